package service

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Components log through the engine's logger: whatever they put in a
// record (message, strings, errors, groups, attributes bound with With,
// values printed with %v) reaches the output redacted.
func TestRedactor_logger_redacts_every_part_of_a_record(t *testing.T) {
	r := newRedactor([]string{"pw-123456", "pw-123456-longer"})
	var out bytes.Buffer
	log := r.logger(slog.New(slog.NewJSONHandler(&out, nil))).With("dsn", "sqlserver://sa:pw-123456@db")
	log.WithGroup("conn").Info("login with pw-123456 refused",
		"error", fmt.Errorf("dial: %w", errors.New("password pw-123456-longer rejected")),
		slog.Group("detail", "pw", "pw-123456"),
		"value", struct{ Secret string }{"pw-123456"},
		"attempts", 3, "wait", time.Second, "date", "2026-01-15")
	got := out.String()
	assert.NotContains(t, got, "pw-123456")
	for _, want := range []string{
		`"msg":"login with [redacted] refused"`, `"dsn":"sqlserver://sa:[redacted]@db"`,
		`"error":"dial: password [redacted] rejected"`, `"detail":{"pw":"[redacted]"}`,
		`"value":"{[redacted]}"`, `"attempts":3`, `"wait":1000000000`, `"date":"2026-01-15"`,
	} {
		assert.Contains(t, got, want)
	}
}

// Without secrets, records pass unchanged; the secrets a reload adds are
// redacted from then on by the loggers already handed out.
func TestRedactor_without_secrets_passes_records_and_redacts_what_a_reload_adds(t *testing.T) {
	var out bytes.Buffer
	r := newRedactor(nil)
	l := r.logger(slog.New(slog.NewTextHandler(&out, nil)))
	l.Info("login", "password", "pw-123456")
	assert.Contains(t, out.String(), "password=pw-123456")
	assert.Equal(t, "a 2026-01-15 b", newRedactor([]string{""}).redact("a 2026-01-15 b"))

	out.Reset()
	r.add([]string{"pw-123456"})
	l.Info("login", "password", "pw-123456")
	assert.Contains(t, out.String(), "password=[redacted]")
}
