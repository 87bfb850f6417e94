package sage500_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/source"
)

const shipmentsOptions = `
query: shipments
key: [ShipKey]
watermark: CreateDate
start: "2026-01-01"
every: 1m
group:
  header: [TranID, ShipTrackNo, ShipMethID, AmazonOrderId, CreateDate]
`

type sourceRig struct {
	src     *source.Runner
	pub     *componenttest.Publisher
	state   *componenttest.MemState
	clock   *componenttest.ManualClock
	metrics prometheus.Gatherer
}

func newSource(t testing.TB, conn *sage500.Connection, options string, state *componenttest.MemState) *sourceRig {
	t.Helper()
	f := sage500.NewQueryFactory()
	cfg := componenttest.DecodeConfig(t, f, options)
	r := &sourceRig{pub: &componenttest.Publisher{}, state: state, clock: componenttest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "shipments/source"), Publisher: r.pub, DeadLetter: &componenttest.DeadLetters{}}
	set.Connection, set.State, set.Clock = conn, state, r.clock
	r.metrics = set.Metrics.(prometheus.Gatherer)
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	r.src = src
	return r
}

func (r *sourceRig) poll(t testing.TB) bool {
	t.Helper()
	more, err := r.src.PollOnce(context.Background())
	require.NoError(t, err)
	return more
}

// shippedRig is a source on a database with n orders shipped.
func shippedRig(t *testing.T, tg target, n int, options string) (*sage500.Connection, *sourceRig) {
	t.Helper()
	conn, sink := orderSink(t, tg, "")
	shipOrders(t, conn, sink, 1, n, time.Now().Add(time.Hour))
	return conn, newSource(t, conn, options, componenttest.NewMemState())
}

// shipOrders writes n orders and ships them all at the same time.
func shipOrders(t testing.TB, conn *sage500.Connection, sink component.Sink, first, n int, at time.Time) {
	t.Helper()
	for i := first; i < first+n; i++ {
		require.NoError(t, writeOne(t, sink, orderMsg(t, fmt.Sprintf("112-0000003-%07d", i))))
	}
	require.Equal(t, n, shipAll(t, conn, sage500demo.ShipOptions{Now: at}))
}

func TestQuerySource_publishes_shipments_with_their_lines_once(t *testing.T) {
	forEachTarget(t, testQuerySource_publishes_shipments_with_their_lines_once)
}

func testQuerySource_publishes_shipments_with_their_lines_once(t *testing.T, tg target) {
	_, rig := shippedRig(t, tg, 2, shipmentsOptions)

	assert.False(t, rig.poll(t))
	msgs := rig.pub.Messages()
	require.Len(t, msgs, 2)
	body := msgs[0].Body.(map[string]any)
	assert.Equal(t, "112-0000003-0000001", body["AmazonOrderId"])
	assert.Equal(t, "UPS GROUND", body["ShipMethID"])
	assert.Regexp(t, `^1ZDEMO01\d{10}$`, body["ShipTrackNo"])
	lines := body["lines"].([]any)
	require.Len(t, lines, 3)
	first := lines[0].(map[string]any)
	assert.Equal(t, "10000000000001", first["AmazonOrderItemId"])
	assert.Equal(t, decimal.MustParse("2.00000000"), first["QtyShipped"], "decimal columns read back as decimals at their scale")
	assert.NotContains(t, first, "AmazonOrderId", "header columns are not repeated on the lines")
	assert.Equal(t, fmt.Sprint(body["ShipKey"]), msgs[0].Meta(component.MetaKey))

	assert.False(t, rig.poll(t))
	assert.Len(t, rig.pub.Messages(), 2, "nothing new")
	_, err := rig.state.Get(context.Background(), "cursor")
	assert.NoError(t, err, "the cursor is stored")
}

func TestQuerySource_loses_and_repeats_nothing_when_rows_share_a_watermark(t *testing.T) {
	forEachTarget(t, testQuerySource_loses_and_repeats_nothing_when_rows_share_a_watermark)
}

func testQuerySource_loses_and_repeats_nothing_when_rows_share_a_watermark(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	at := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	shipOrders(t, conn, sink, 1, 5, at)
	state := componenttest.NewMemState()
	rig := newSource(t, conn, shipmentsOptions+"max_rows: 2\n", state)
	assert.False(t, rig.poll(t), "rows sharing the last watermark are read together")
	require.Len(t, rig.pub.Messages(), 5)

	// More shipments at exactly the same time, seen by a restarted source.
	shipOrders(t, conn, sink, 6, 3, at)
	restarted := newSource(t, conn, shipmentsOptions+"max_rows: 2\n", state)
	restarted.poll(t)
	ids := map[string]bool{}
	for _, m := range append(rig.pub.Messages(), restarted.pub.Messages()...) {
		assert.False(t, ids[m.ID], "published once: %s", m.ID)
		ids[m.ID] = true
	}
	assert.Len(t, restarted.pub.Messages(), 3, "only the new ones")
	assert.Len(t, ids, 8)
}

func TestQuerySource_stops_at_max_rows_and_continues(t *testing.T) {
	forEachTarget(t, testQuerySource_stops_at_max_rows_and_continues)
}

func testQuerySource_stops_at_max_rows_and_continues(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	base := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	for i := range 3 {
		shipOrders(t, conn, sink, 1+i, 1, base.Add(time.Duration(i)*time.Minute))
	}
	rig := newSource(t, conn, shipmentsOptions+"max_rows: 1\n", componenttest.NewMemState())
	assert.True(t, rig.poll(t), "more rows wait")
	assert.Len(t, rig.pub.Messages(), 1)
	assert.True(t, rig.poll(t))
	assert.False(t, rig.poll(t))
	assert.Len(t, rig.pub.Messages(), 3)
}

func TestQuerySource_keeps_the_cursor_when_publishing_fails(t *testing.T) {
	forEachTarget(t, testQuerySource_keeps_the_cursor_when_publishing_fails)
}

func testQuerySource_keeps_the_cursor_when_publishing_fails(t *testing.T, tg target) {
	_, rig := shippedRig(t, tg, 1, shipmentsOptions)
	rig.pub.Err = errors.New("stream unavailable")
	_, err := rig.src.PollOnce(context.Background())
	require.ErrorContains(t, err, "stream unavailable")
	_, err = rig.state.Get(context.Background(), "cursor")
	assert.ErrorIs(t, err, component.ErrNotFound, "the cursor did not move")
	rig.pub.Err = nil
	rig.poll(t)
	assert.Len(t, rig.pub.Messages(), 1, "published on the next poll")
}

func TestQuerySource_polls_on_the_engine_clock(t *testing.T) {
	conn := newConn(t, sqliteTarget(t))
	sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
	rig := newSource(t, conn, shipmentsOptions, componenttest.NewMemState())
	require.NoError(t, rig.src.Start(context.Background()))
	t.Cleanup(func() { _ = rig.src.Shutdown(context.Background()) })
	require.Eventually(t, func() bool { return rig.clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond, "first poll done, waiting")
	shipOrders(t, conn, sink, 1, 1, time.Now().Add(time.Hour))
	rig.clock.Advance(time.Minute)
	require.Eventually(t, func() bool { return len(rig.pub.Messages()) == 1 }, componenttest.WaitLimit, time.Millisecond)
}

func TestQuerySource_validates_its_query_against_the_connection(t *testing.T) {
	conn := newConn(t, sqliteTarget(t))
	f := sage500.NewQueryFactory()
	tests := map[string]string{
		"query: nope\nkey: [A]\nwatermark: A\n":                               `the connection has no query "nope"`,
		"query: customer_for_marketplace\nkey: [CustID]\nwatermark: CustID\n": "must select the rows whose watermark is >= @watermark",
		shipmentsOptions + "params: {extra: 1}\n":                             "takes no parameter(s) extra",
	}
	for options, want := range tests {
		cfg := componenttest.DecodeConfig(t, f, options)
		set := component.SourceSettings{Settings: componenttest.NewSettings(t, "x/source"), Publisher: &componenttest.Publisher{}}
		set.Connection = conn
		_, err := f.CreateSource(context.Background(), set, cfg)
		assert.ErrorContains(t, err, want)
	}
}
