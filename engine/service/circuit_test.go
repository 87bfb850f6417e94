package service

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

type failingCheck struct{ err error }

func (c failingCheck) Check(context.Context) error { return c.err }

// A sink's or health check's error may quote a secret (a connection string,
// a password); the circuit logs and reports its reason, so it must redact it.
func TestCircuit_redacts_the_reasons_it_logs_and_reports(t *testing.T) {
	var logs componenttest.SyncBuffer
	check := failingCheck{errors.New("ping as sa/hunter2-secret: timeout")}
	c := newCircuit("erp", 1, 10*time.Millisecond, check, slog.New(slog.NewTextHandler(&logs, nil)),
		newMetrics(prometheus.NewRegistry()), newRedactor([]string{"hunter2-secret"}))
	defer c.stop()

	c.Failure(component.Retryable(errors.New("login as sa/hunter2-secret refused")))
	open, why := c.State()
	require.True(t, open)
	assert.Equal(t, "login as sa/[redacted] refused", why)
	assert.Contains(t, logs.String(), "login as sa/[redacted] refused")

	require.Eventually(t, func() bool {
		_, why := c.State()
		return why == "ping as sa/[redacted]: timeout"
	}, componenttest.WaitLimit, 5*time.Millisecond, "the failed health check's reason, redacted")
	assert.NotContains(t, logs.String(), "hunter2-secret")
}
