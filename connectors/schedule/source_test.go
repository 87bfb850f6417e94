package schedule_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/schedule"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// harness runs schedule sources of pipeline "reconcile" on one manual
// clock, publishing to one recording publisher.
type harness struct {
	clock   *componenttest.ManualClock
	pub     *componenttest.Publisher
	dead    *componenttest.DeadLetters
	state   *componenttest.MemState
	running int
}

func newHarness(start string) *harness {
	at, err := time.Parse(time.RFC3339, start)
	if err != nil {
		panic(err)
	}
	return &harness{
		clock: componenttest.NewManualClock(at),
		pub:   &componenttest.Publisher{},
		dead:  &componenttest.DeadLetters{},
		state: componenttest.NewMemState(),
	}
}

// start creates and starts a source with the harness's state and waits
// until it sleeps on the clock. bind, when given, binds CEL fields.
func (h *harness) start(t *testing.T, options string, bind func(*schedule.Config)) component.Source {
	t.Helper()
	f := schedule.NewSourceFactory()
	cfg := componenttest.DecodeConfig(t, f, options).(*schedule.Config)
	if bind != nil {
		bind(cfg)
	}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "reconcile/source"), Publisher: h.pub, DeadLetter: h.dead}
	set.Pipeline, set.Clock, set.State = "reconcile", h.clock, h.state
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	h.running++
	h.waitIdle(t)
	t.Cleanup(func() { _ = src.Shutdown(context.Background()) })
	return src
}

func (h *harness) stop(t *testing.T, src component.Source) {
	t.Helper()
	require.NoError(t, src.Shutdown(context.Background()))
	h.running--
}

// waitIdle waits until every running source, and no stopped one, waits
// on the clock.
func (h *harness) waitIdle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(componenttest.WaitLimit)
	for h.clock.Waiters() != h.running {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d sources wait on the clock", h.clock.Waiters(), h.running)
		}
		runtime.Gosched()
	}
}

// advance moves the clock by d, a minute at a time (the longest a source
// sleeps), letting the sources publish between steps.
func (h *harness) advance(t *testing.T, d time.Duration) {
	t.Helper()
	end := h.clock.Now().Add(d)
	for h.clock.Now().Before(end) {
		h.clock.Advance(min(end.Sub(h.clock.Now()), time.Minute))
		h.waitIdle(t)
	}
}

// scheduled returns the scheduled_at of every published message.
func (h *harness) scheduled() []string {
	var out []string
	for _, m := range h.pub.Messages() {
		out = append(out, m.Body.(map[string]any)["scheduled_at"].(string))
	}
	return out
}

func (h *harness) ids() []string {
	var out []string
	for _, m := range h.pub.Messages() {
		out = append(out, m.ID)
	}
	return out
}

func TestSchedule_ticks_across_daylight_saving_changes(t *testing.T) {
	tests := []struct {
		name    string
		start   string
		options string
		advance time.Duration
		want    []string
	}{
		{"interval over the spring jump", "2026-03-28T23:10:00Z", "every: 1h\ntimezone: Europe/Berlin", 3 * time.Hour,
			[]string{"2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"}},
		{"interval over the autumn change", "2026-10-24T23:10:00Z", "every: 30m\ntimezone: Europe/Berlin", 2 * time.Hour,
			[]string{"2026-10-25T01:30:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00"}},
		{"hourly cron over the spring jump", "2026-03-28T22:45:00Z", "cron: '30 * * * *'\ntimezone: Europe/Berlin", 4 * time.Hour,
			[]string{"2026-03-29T00:30:00+01:00", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-29T04:30:00+02:00"}},
		{"daily cron over the spring jump", "2026-03-27T12:00:00Z", "cron: '30 2 * * *'\ntimezone: Europe/Berlin", 3 * 24 * time.Hour,
			[]string{"2026-03-28T02:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"daily cron over the autumn change", "2026-10-24T12:00:00Z", "cron: '30 2 * * *'\ntimezone: Europe/Berlin", 2 * 24 * time.Hour,
			[]string{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		{"hourly cron over the autumn change", "2026-10-24T23:00:00Z", "cron: '30 * * * *'\ntimezone: Europe/Berlin", 4 * time.Hour,
			[]string{"2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(tt.start)
			h.start(t, tt.options, nil)
			h.advance(t, tt.advance)
			assert.Equal(t, tt.want, h.scheduled())
			assert.Zero(t, h.dead.Len())
		})
	}
}

func TestSchedule_cron_day_of_week(t *testing.T) {
	h := newHarness("2026-03-28T00:00:00Z") // a Saturday
	h.start(t, "cron: '0 9 * * MON-FRI'", nil)
	h.advance(t, 7*24*time.Hour)
	assert.Equal(t, []string{
		"2026-03-30T09:00:00Z", "2026-03-31T09:00:00Z", "2026-04-01T09:00:00Z", "2026-04-02T09:00:00Z", "2026-04-03T09:00:00Z",
	}, h.scheduled())
}

func TestSchedule_message_id_metadata_and_body(t *testing.T) {
	h := newHarness("2026-03-29T00:59:00Z")
	h.start(t, "every: 1h\ntimezone: Europe/Berlin\nbody: {job: reconcile, at: msg.scheduled_at}", func(c *schedule.Config) {
		c.Body.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
			return map[string]any{"job": "reconcile", "at": m.Body.(map[string]any)["scheduled_at"], "scheduled_at": "overridden"}, nil
		}))
	})
	h.advance(t, 2*time.Minute)
	msgs := h.pub.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, "reconcile@2026-03-29T01:00:00Z", msgs[0].ID)
	assert.Equal(t, map[string]any{"job": "reconcile", "at": "2026-03-29T03:00:00+02:00", "scheduled_at": "2026-03-29T03:00:00+02:00"}, msgs[0].Body)
	assert.Equal(t, "reconcile@2026-03-29T01:00:00Z", msgs[0].Meta(component.MetaKey))
	assert.Equal(t, "2026-03-29T01:00:00Z", msgs[0].Meta(component.MetaReceivedAt))
}

func TestSchedule_default_body_holds_scheduled_at(t *testing.T) {
	h := newHarness("2026-01-01T00:00:30Z")
	h.start(t, "every: 1m", nil)
	h.advance(t, time.Minute)
	require.Len(t, h.pub.Messages(), 1)
	assert.Equal(t, map[string]any{"scheduled_at": "2026-01-01T00:01:00Z"}, h.pub.Messages()[0].Body)
}

func TestSchedule_a_body_that_fails_is_dead_lettered_once(t *testing.T) {
	h := newHarness("2026-01-01T00:00:30Z")
	h.start(t, "every: 1m\nbody: {x: msg.nope}", func(c *schedule.Config) {
		c.Body.Bind(component.ProgramFunc(func(context.Context, *component.Message) (any, error) { return "not an object", nil }))
	})
	h.advance(t, 2*time.Minute)
	assert.Empty(t, h.pub.Messages())
	require.Equal(t, 2, h.dead.Len(), "one per tick, each once")
	assert.Equal(t, "reconcile@2026-01-01T00:01:00Z", h.dead.Msgs[0].ID)
	assert.ErrorContains(t, h.dead.Reasons[0], "body: want an object, got string")
	assert.True(t, component.IsPermanent(h.dead.Reasons[0]))
}

func TestSchedule_restart_neither_repeats_nor_replays_ticks(t *testing.T) {
	h := newHarness("2026-01-01T00:30:00Z")
	src := h.start(t, "every: 1h", nil)
	h.advance(t, 2*time.Hour)
	assert.Equal(t, []string{"reconcile@2026-01-01T01:00:00Z", "reconcile@2026-01-01T02:00:00Z"}, h.ids())
	h.stop(t, src)

	// Restarted at once with a fresh publisher (no stream de-duplication to
	// hide a repeat): nothing is published again.
	h.pub = &componenttest.Publisher{}
	src = h.start(t, "every: 1h", nil)
	assert.Empty(t, h.ids())
	h.stop(t, src)

	// Stopped for three hours: the missed ticks are skipped, the next one
	// comes on time.
	h.clock.Advance(3 * time.Hour)
	h.start(t, "every: 1h", nil)
	assert.Empty(t, h.ids(), "no replay without catch_up")
	h.advance(t, time.Hour)
	assert.Equal(t, []string{"reconcile@2026-01-01T06:00:00Z"}, h.ids())
}

func TestSchedule_catch_up_publishes_the_latest_missed_tick_once(t *testing.T) {
	h := newHarness("2026-01-01T00:30:00Z")
	src := h.start(t, "cron: '0 * * * *'\ncatch_up: true", nil)
	h.advance(t, time.Hour)
	h.stop(t, src)
	h.clock.Advance(3 * time.Hour)
	src = h.start(t, "cron: '0 * * * *'\ncatch_up: true", nil)
	assert.Equal(t, []string{"reconcile@2026-01-01T01:00:00Z", "reconcile@2026-01-01T04:00:00Z"}, h.ids())
	h.stop(t, src)
	h.start(t, "cron: '0 * * * *'\ncatch_up: true", nil)
	h.advance(t, time.Hour)
	assert.Equal(t, []string{"reconcile@2026-01-01T01:00:00Z", "reconcile@2026-01-01T04:00:00Z", "reconcile@2026-01-01T05:00:00Z"}, h.ids(),
		"a restart after catching up repeats nothing")
}

func TestSchedule_catch_up_on_a_first_start_publishes_nothing(t *testing.T) {
	h := newHarness("2026-01-01T00:30:00Z")
	h.start(t, "every: 1h\ncatch_up: true", nil)
	assert.Empty(t, h.ids())
}

func TestSchedule_two_instances_publish_each_tick_once(t *testing.T) {
	h := newHarness("2026-01-01T00:00:00Z")
	h.start(t, "every: 15m", nil)
	h.state = componenttest.NewMemState() // the second instance has its own state
	h.start(t, "every: 15m", nil)
	h.advance(t, time.Hour)
	assert.Equal(t, []string{
		"reconcile@2026-01-01T00:15:00Z", "reconcile@2026-01-01T00:30:00Z", "reconcile@2026-01-01T00:45:00Z", "reconcile@2026-01-01T01:00:00Z",
	}, h.ids())
}

func TestSchedule_a_failed_publish_is_retried_and_the_tick_kept(t *testing.T) {
	h := newHarness("2026-01-01T00:00:30Z")
	h.start(t, "every: 1m", nil)
	h.pub.Err = assert.AnError
	h.advance(t, 4*time.Minute)
	_, err := h.state.Get(context.Background(), "last-tick")
	assert.ErrorIs(t, err, component.ErrNotFound, "the last tick moves only after a publish")
	h.pub.Err = nil
	h.advance(t, time.Minute)
	assert.Equal(t, []string{"reconcile@2026-01-01T00:01:00Z", "reconcile@2026-01-01T00:05:00Z"}, h.ids(),
		"the failed tick, then the latest due one")
	last, err := h.state.Get(context.Background(), "last-tick")
	require.NoError(t, err)
	assert.Equal(t, "2026-01-01T00:05:00Z", string(last))
}

func TestSchedule_late_wake_up_publishes_the_latest_due_tick_only(t *testing.T) {
	h := newHarness("2026-01-01T00:00:30Z")
	h.start(t, "every: 1m", nil)
	h.clock.Advance(10 * time.Minute)
	h.waitIdle(t)
	assert.Equal(t, []string{"reconcile@2026-01-01T00:10:00Z"}, h.ids())
}

func TestSchedule_shutdown_without_start(t *testing.T) {
	f := schedule.NewSourceFactory()
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source")}
	src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f, "every: 1h"))
	require.NoError(t, err)
	assert.NoError(t, src.Shutdown(context.Background()))
}

func TestSchedule_options_are_checked(t *testing.T) {
	tests := []struct {
		name    string
		options string
		want    string
	}{
		{"neither", "timezone: UTC", "missing properties: 'every'"},
		{"both", "every: 1h\ncron: '* * * * *'", "valid against schemas at indexes 0 and 1"},
		{"too often", "every: 500ms", "every: want at least 1s"},
		{"bad duration", "every: hourly", "does not match pattern"},
		{"six fields", "cron: '0 0 * * * *'", "cron: want 5 fields"},
		{"descriptor", "cron: '@daily'", "cron: want 5 fields"},
		{"time zone inside", "cron: 'TZ=UTC 0 * * *'", "cron: "},
		{"out of range", "cron: '60 * * * *'", "cron: "},
		{"day of week 7", "cron: '0 0 * * 7'", "cron: "},
		{"never", "cron: '0 0 31 2 *'", `cron: "0 0 31 2 *" never matches a date`},
		{"unknown zone", "cron: '0 * * * *'\ntimezone: Mars/Olympus", `timezone: unknown time zone "Mars/Olympus"`},
		{"local zone", "every: 1h\ntimezone: Local", `timezone: unknown time zone "Local"`},
		{"body not an object", "every: 1h\nbody: msg.x", "expected object"},
		{"unknown key", "every: 1h\ncatchup: true", "additionalProperties 'catchup' not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(schedule.NewSourceFactory(), tt.options)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestFactories(t *testing.T) {
	fs := schedule.Factories()
	require.Len(t, fs, 1)
	assert.Equal(t, component.Type("schedule"), fs[0].Type())
}

func TestSchedule_an_unreadable_last_tick_is_ignored(t *testing.T) {
	h := newHarness("2026-01-01T00:30:00Z")
	require.NoError(t, h.state.Put(context.Background(), "last-tick", []byte("yesterday")))
	h.start(t, "every: 1h\ncatch_up: true", nil)
	h.advance(t, time.Hour)
	assert.Equal(t, []string{"reconcile@2026-01-01T01:00:00Z"}, h.ids())
}

// flakyState fails its first reads.
type flakyState struct {
	*componenttest.MemState
	failures atomic.Int32
}

func (s *flakyState) Get(ctx context.Context, key string) ([]byte, error) {
	if s.failures.Add(-1) >= 0 {
		return nil, assert.AnError
	}
	return s.MemState.Get(ctx, key)
}

func TestSchedule_retries_reading_its_state(t *testing.T) {
	h := newHarness("2026-01-01T00:00:00Z")
	f := schedule.NewSourceFactory()
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "reconcile/source"), Publisher: h.pub}
	state := &flakyState{MemState: h.state}
	state.failures.Store(2)
	set.Pipeline, set.Clock, set.State = "reconcile", h.clock, state
	src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f, "every: 1m"))
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	defer h.stop(t, src)
	h.running++
	h.waitIdle(t)
	h.advance(t, 3*time.Minute) // two failed reads, each retried at the next step
	assert.Less(t, state.failures.Load(), int32(0), "read until it succeeded")
	assert.Equal(t, []string{"reconcile@2026-01-01T00:03:00Z"}, h.ids(), "ticks start once the state is read")
}
