package alerts_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/alerts"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

// fakeEngine is what the watcher sees: open dead-letter groups and
// connections, changed by the test.
type fakeEngine struct {
	mu     sync.Mutex
	groups []*service.DeadLetterGroup
	conns  []service.ConnectionState
	guard  []service.GuardEvent
	listed []service.ListingIssue
}

func (f *fakeEngine) ListingIssues(context.Context) ([]service.ListingIssue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.listed, nil
}

func (f *fakeEngine) setListings(ls ...service.ListingIssue) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listed = ls
}

func (f *fakeEngine) GuardEvents(after uint64) []service.GuardEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []service.GuardEvent
	for _, ev := range f.guard {
		if ev.Seq > after {
			out = append(out, ev)
		}
	}
	return out
}

func (f *fakeEngine) addGuardEvent(ev service.GuardEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev.Seq = uint64(len(f.guard) + 1)
	f.guard = append(f.guard, ev)
}

func (f *fakeEngine) OpenGroups(context.Context) ([]*service.DeadLetterGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.groups, nil
}

func (f *fakeEngine) ConnectionStates() []service.ConnectionState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

func (f *fakeEngine) setOpen(pipeline string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groups = nil
	if n > 0 {
		f.groups = []*service.DeadLetterGroup{{Pipeline: pipeline, Reason: "unknown SKU {} in order {}: add it to tables/sku_overrides.csv", Count: n}}
	}
}

func (f *fakeEngine) setConnection(state, lastError string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conns = []service.ConnectionState{{Name: "sage", Type: "sage500", State: state, LastError: lastError}}
}

func alertConfig(webhook, smtp string) config.Alerts {
	var cfg config.Alerts
	cfg.Webhook = &config.WebhookAlert{URL: webhook}
	cfg.Email = &config.EmailAlert{SMTP: smtp, From: "pipewright@example.com", To: []string{"ops@example.com"}}
	cfg.DeadLetters.Threshold = 5
	cfg.Connections.DegradedFor = component.Duration(10 * time.Minute)
	cfg.MinInterval = component.Duration(30 * time.Minute)
	return cfg
}

// newRig starts the receivers and a watcher of a fake engine on a manual
// clock, telling both receivers.
func newRig(t *testing.T) (*webhookReceiver, *smtpReceiver, *fakeEngine, *componenttest.ManualClock, *alerts.Watcher) {
	hook, mail := newWebhookReceiver(t), newSMTPReceiver(t)
	clock := componenttest.NewManualClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	src := &fakeEngine{}
	return hook, mail, src, clock, newWatcher(alertConfig(hook.URL, mail.addr()), src, clock)
}

func newWatcher(cfg config.Alerts, src alerts.Source, clock component.Clock) *alerts.Watcher {
	ns := []alerts.Notifier{&alerts.Webhook{URL: cfg.Webhook.URL, Client: &http.Client{Timeout: 30 * time.Second}}, &alerts.Email{Config: *cfg.Email}}
	return alerts.NewWatcher(cfg, src, ns, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://pipewright.example:8080/console/")
}

func TestWatcher_tells_once_when_dead_letters_cross_the_threshold_and_once_on_recovery_then_holds_within_the_rate_limit(t *testing.T) {
	hook, mail, src, clock, w := newRig(t)
	ctx := context.Background()

	src.setOpen("orders", 4)
	w.Check(ctx)
	assert.Empty(t, hook.got(), "below the threshold")

	src.setOpen("orders", 5)
	w.Check(ctx)
	src.setOpen("orders", 9)
	w.Check(ctx)
	require.Len(t, hook.got(), 1, "one alert when the threshold is crossed, however long it holds")
	require.Len(t, mail.got(), 1)
	assert.Contains(t, hook.got()[0], "Flow orders has 5 open dead letters (alert threshold 5)")
	assert.Contains(t, hook.got()[0], "5 × unknown SKU {} in order {}: add it to tables/sku_overrides.csv")
	assert.Contains(t, hook.got()[0], "http://pipewright.example:8080/console/flows/orders")
	assert.Contains(t, mail.got()[0], "Subject: [pipewright] flow orders: 5 open dead letters")
	assert.Contains(t, mail.got()[0], "To: ops@example.com")

	clock.Advance(5 * time.Minute)
	src.setOpen("orders", 0)
	w.Check(ctx)
	require.Len(t, hook.got(), 2, "one alert on recovery")
	require.Len(t, mail.got(), 2)
	assert.Contains(t, hook.got()[1], "recovered: flow orders")

	// It comes back within the rate limit: nothing, however often checked.
	clock.Advance(5 * time.Minute)
	src.setOpen("orders", 7)
	w.Check(ctx)
	clock.Advance(10 * time.Minute)
	w.Check(ctx)
	assert.Len(t, hook.got(), 2, "nothing more within the rate limit")
	assert.Len(t, mail.got(), 2)

	// Still there when the interval ends: told then.
	clock.Advance(11 * time.Minute)
	w.Check(ctx)
	assert.Len(t, hook.got(), 3)
	assert.Contains(t, hook.got()[2], "Flow orders has 7 open dead letters")
}

func TestWatcher_tells_when_a_connection_stays_degraded_and_when_it_recovers(t *testing.T) {
	hook, mail, src, clock, w := newRig(t)
	ctx := context.Background()

	src.setConnection(service.ConnectionDown, `sage500: database is locked (5) (SQLITE_BUSY) writing order "113-1" for "Jane Doe"`)
	w.Check(ctx)
	clock.Advance(9 * time.Minute)
	w.Check(ctx)
	assert.Empty(t, hook.got(), "not down for long enough")

	clock.Advance(time.Minute)
	w.Check(ctx)
	w.Check(ctx)
	require.Len(t, hook.got(), 1)
	require.Len(t, mail.got(), 1)
	assert.Contains(t, hook.got()[0], "Connection sage (sage500) has been down for 10m0s")
	assert.Contains(t, hook.got()[0], "database is locked")
	for _, text := range []string{hook.got()[0], mail.got()[0]} {
		assert.NotContains(t, text, "Jane Doe", "quoted values (personal data) stay out")
	}

	src.setConnection(service.ConnectionUp, "")
	w.Check(ctx)
	require.Len(t, hook.got(), 2)
	assert.True(t, strings.Contains(hook.got()[1], "recovered: connection sage is up"), hook.got()[1])
	assert.Len(t, mail.got(), 2)
}
