package spapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const getOrderOp = "orders/2026-01-01/getOrder"

// countingPublisher counts every publish attempt per message id and path,
// before the stream's de-duplication.
type countingPublisher struct {
	componenttest.Publisher
	mu       sync.Mutex
	attempts map[string]int // "<via> <id>"
}

func (p *countingPublisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	p.mu.Lock()
	if p.attempts == nil {
		p.attempts = map[string]int{}
	}
	for _, m := range msgs {
		p.attempts[m.Meta(spapi.MetaVia)+" "+m.ID]++
	}
	p.mu.Unlock()
	return p.Publisher.Publish(ctx, msgs...)
}

func (p *countingPublisher) count(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.attempts[key]
}

// newOrdersSource starts an orders source; it returns the source's state.
func newOrdersSource(t *testing.T, e *env, pub component.Publisher, yaml string) component.State {
	t.Helper()
	f := spapi.NewOrdersFactory()
	cfg := componenttest.DecodeConfig(t, f, yaml)
	set := e.sourceSettings()
	set.Publisher = pub
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	start(t, src)
	return set.State
}

func orderID(o simulator.Order) string {
	return o.ID + "@" + o.LastUpdated.UTC().Format("2006-01-02T15:04:05.000Z")
}

func TestOrders_notification_is_recorded_then_fetched_once(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	pub := &countingPublisher{}
	state := newOrdersSource(t, e, pub, "{poll: {enabled: false}, notifications: {path: /hooks/orders, auth: {token: s3cret}}}")
	o, err := e.sim.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)
	notes := e.sim.Notifications()
	require.Len(t, notes, 1)
	url := e.hooks.URL + "/hooks/orders"

	assert.Equal(t, http.StatusAccepted, post(t, url, notes[0].Body, tokenHeader))
	drive(t, clock, e.sim, time.Second, 100, func() bool { return len(pub.Messages()) == 1 })
	m := pub.Messages()[0]
	assert.Equal(t, orderID(o), m.ID)
	assert.Equal(t, o.ID, m.Meta(component.MetaKey))
	assert.Equal(t, o.MarketplaceID, m.Meta(spapi.MetaMarketplace))
	assert.Equal(t, "notification", m.Meta(spapi.MetaVia))
	body := m.Body.(map[string]any)
	assert.Equal(t, o.ID, body["orderId"])
	assert.NotNil(t, body["recipient"], "includedData RECIPIENT was asked for")

	// Redeliveries of the same change cost no call: the intake records no
	// fetch for a version published already (before it answers).
	require.Eventually(t, func() bool { return len(stateKeys(t, state, "pending/")) == 0 }, componenttest.WaitLimit, time.Millisecond,
		"the fetch is settled once its order is published")
	for i := 0; i < 3; i++ {
		assert.Equal(t, http.StatusAccepted, post(t, url, notes[0].Body, tokenHeader))
	}
	assert.Empty(t, stateKeys(t, state, "pending/"), "no fetch recorded")
	assert.Equal(t, 1, e.sim.Stats().Calls[getOrderOp])
	assert.Equal(t, 1, pub.count("notification "+m.ID))
}

func TestOrders_notification_rejects_bad_requests_and_records_nothing(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	pub := &countingPublisher{}
	state := newOrdersSource(t, e, pub, "{poll: {enabled: false}, notifications: {path: /hooks/orders, auth: {token: s3cret}}}")
	url := e.hooks.URL + "/hooks/orders"
	var orderChange, other []byte
	for _, ex := range schemaExamples(t) {
		if ex.typ == "ORDER_CHANGE" {
			orderChange = ex.body
		} else {
			other = ex.body
		}
	}
	assert.Equal(t, http.StatusUnauthorized, post(t, url, orderChange, nil))
	assert.Equal(t, http.StatusBadRequest, post(t, url, []byte(`{"NotificationType":"ORDER_CHANGE"}`), tokenHeader))
	assert.Equal(t, http.StatusBadRequest, post(t, url, other, tokenHeader))
	assert.Empty(t, stateKeys(t, state, "pending/"), "a refused request records no fetch (before it is answered)")
	assert.Zero(t, e.sim.Stats().Calls[getOrderOp])
	assert.Empty(t, pub.Messages())
	assert.Zero(t, e.dead.Len())

	// The schema's own example is accepted; its order is unknown to the
	// simulator, so the fetch is permanent and the notification is
	// dead-lettered rather than lost.
	assert.Equal(t, http.StatusAccepted, post(t, url, orderChange, tokenHeader))
	drive(t, clock, e.sim, componenttest.WaitLimit, 100, func() bool { return e.dead.Len() == 1 })
	assert.Contains(t, e.dead.Reasons[0].Error(), "getOrder")
	assert.Contains(t, e.dead.Reasons[0].Error(), "404")
}

// Orders arrive through both paths at once: the simulator generates orders
// that change over two hours and pushes ORDER_CHANGE notifications while
// the poller pages searchOrders. Both paths give a version the same id, so
// each becomes one message; every order's latest version arrives; the
// notification path publishes each version at most once and calls getOrder
// at most once per change.
func TestOrders_poll_and_notifications_race_to_one_message_per_version(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "orders_per_hour: 120\n", pushToken)
	pub := &countingPublisher{}
	newOrdersSource(t, e, pub, "{poll: {every: 5m, overlap: 5m, lookback: 1h}, notifications: {path: /hooks/orders, auth: {token: s3cret}}}")
	run(clock, e.sim, 10*time.Second, 720)
	drive(t, clock, e.sim, 10*time.Second, 100, func() bool {
		for _, o := range e.sim.Orders() {
			if !o.LastUpdated.Before(clock.Now().Add(-3 * time.Minute)) {
				continue // recent: the poller waits for Amazon's two minutes
			}
			if pub.count("poll "+orderID(o))+pub.count("notification "+orderID(o)) == 0 {
				return false
			}
		}
		return true
	})
	orders := e.sim.Orders()
	require.Greater(t, len(orders), 150)
	notes := e.sim.Notifications()
	stats := e.sim.Stats()
	assert.LessOrEqual(t, stats.Calls[getOrderOp], len(notes), "at most one getOrder per order change")
	ids := map[string]bool{}
	for _, m := range pub.Messages() {
		assert.False(t, ids[m.ID])
		ids[m.ID] = true
		assert.Regexp(t, `^[0-9]{3}-[0-9]{7}-[0-9]{7}@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, m.ID)
	}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	viaNote := 0
	for key, n := range pub.attempts {
		if key[:len("notification")] == "notification" {
			viaNote++
			assert.Equal(t, 1, n, key)
		}
	}
	assert.Positive(t, viaNote, "some versions came through notifications")
	t.Logf("orders %d, notifications %d, getOrder %d, searchOrders %d, messages %d", len(orders), len(notes), stats.Calls[getOrderOp], stats.Calls["searchOrders"], len(ids))
}

// batchPublisher records the size of every Publish call (one per page).
type batchPublisher struct {
	componenttest.Publisher
	mu      sync.Mutex
	batches []int
	fail    error
}

func (p *batchPublisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	p.mu.Lock()
	if p.fail != nil {
		p.mu.Unlock()
		return p.fail
	}
	p.batches = append(p.batches, len(msgs))
	p.mu.Unlock()
	return p.Publisher.Publish(ctx, msgs...)
}

func (p *batchPublisher) setFail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail = err
}

func TestOrders_poll_pages_full_and_moves_the_cursor_only_after_publishing(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	for i := 0; i < 250; i++ {
		_, err := e.sim.CreateOrder(simulator.OrderSpec{})
		require.NoError(t, err)
	}
	clock.Advance(3 * time.Minute) // past Amazon's two unstable minutes
	pub := &batchPublisher{fail: errors.New("stream down")}
	f := spapi.NewOrdersFactory()
	cfg := componenttest.DecodeConfig(t, f, "{poll: {every: 5m, lookback: 1h}}")
	set := e.sourceSettings()
	set.Publisher = pub
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	start(t, src)

	// While publishing fails the cursor stays where it was.
	drive(t, clock, e.sim, time.Second, 50, func() bool { return e.sim.Stats().Calls["searchOrders"] >= 1 })
	_, err = set.State.Get(context.Background(), "poll")
	assert.ErrorIs(t, err, component.ErrNotFound)

	pub.setFail(nil)
	drive(t, clock, e.sim, 30*time.Second, 100, func() bool { return len(pub.Messages()) == 250 })
	pub.mu.Lock()
	assert.Equal(t, []int{100, 100, 50}, pub.batches, "full pages while 100 orders wait")
	pub.mu.Unlock()
	type pollState struct {
		Cursor time.Time       `json:"cursor"`
		Window json.RawMessage `json:"window"`
	}
	var st pollState
	// The last page's progress is saved just after its orders were
	// published; the clock stands still, so no other cycle starts.
	require.Eventually(t, func() bool {
		data, err := set.State.Get(context.Background(), "poll")
		st = pollState{}
		return err == nil && json.Unmarshal(data, &st) == nil && !st.Cursor.IsZero()
	}, componenttest.WaitLimit, 5*time.Millisecond, "the cursor moves when the window is done")
	assert.Nil(t, st.Window, "the window is done")
	// The window started an hour back; the next starts an overlap (5m) and
	// Amazon's two minutes before the first read, which came after epoch.
	assert.True(t, st.Cursor.After(epoch.Add(-7*time.Minute)), "the cursor moved to %s", st.Cursor)
	assert.True(t, st.Cursor.Before(clock.Now()))
}

// The simulator signs its pushes with the defaults of the shared webhook
// options and the wall clock, and the intake checks them against the wall
// clock: pushes are accepted while the engine clock runs a month ahead, as
// an accelerated demo clock does; a push signed with another secret is
// refused and records nothing.
func TestOrders_notifications_take_the_simulators_signed_pushes(t *testing.T) {
	tests := []struct {
		name     string
		push     string
		accepted bool
	}{
		{"eventbridge", "hmac_secret: k3y, envelope: eventbridge", true},
		{"raw", "hmac_secret: k3y", true},
		{"another secret", "hmac_secret: not-k3y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := componenttest.NewManualClock(time.Now().Add(30 * 24 * time.Hour).Truncate(time.Second))
			e := newEnv(t, clock, "", tt.push)
			pub := &countingPublisher{}
			newOrdersSource(t, e, pub, "{poll: {enabled: false}, notifications: {path: /hooks/orders, auth: {hmac: {secret: k3y}}}}")
			o, err := e.sim.CreateOrder(simulator.OrderSpec{})
			require.NoError(t, err)
			if !tt.accepted {
				require.Eventually(t, func() bool { return e.sim.Notifications()[0].Attempts > 0 }, componenttest.WaitLimit, 5*time.Millisecond)
				run(clock, e.sim, componenttest.WaitLimit, 20)
				assert.Contains(t, e.sim.Notifications()[0].LastError, "401")
				assert.Empty(t, pub.Messages())
				assert.Zero(t, e.sim.Stats().Calls[getOrderOp])
				return
			}
			drive(t, clock, e.sim, time.Second, 100, func() bool { return len(pub.Messages()) == 1 })
			assert.Equal(t, orderID(o), pub.Messages()[0].ID)
			assert.Equal(t, "notification", pub.Messages()[0].Meta(spapi.MetaVia))
			require.Eventually(t, func() bool { return e.sim.Notifications()[0].Delivered }, componenttest.WaitLimit, 5*time.Millisecond)
		})
	}
}
