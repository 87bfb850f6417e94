package spapi_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// returnedAndPartial posts, a while after shipping it, a refund whose units
// come back (CR-DEFECTIVE) and a partial refund of another order (no units
// back), then lets five minutes pass so that both can be listed.
func returnedAndPartial(t *testing.T, clock *componenttest.ManualClock, sim *simulator.Server) (returned, partial simulator.Order) {
	t.Helper()
	o, err := sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, MarketplaceID: "ATVPDKIKX0DER"})
	require.NoError(t, err)
	require.NoError(t, sim.ShipOrder(o.ID))
	clock.Advance(2 * time.Hour)
	_, err = sim.PostRefund(o.ID, simulator.RefundSpec{Return: true, Reason: "CR-DEFECTIVE"})
	require.NoError(t, err)
	partial = refundOrders(t, sim, 1)[0] // no units back: no report needed for it
	clock.Advance(5 * time.Minute)
	return o, partial
}

// assertReturnedAndPartial requires msgs to be the two refunds of
// returnedAndPartial, the returned one with its return (read an hour and
// six minutes before now) and the partial one without.
func assertReturnedAndPartial(t *testing.T, clock *componenttest.ManualClock, msgs []*component.Message, returned, partial simulator.Order) {
	t.Helper()
	require.Len(t, msgs, 2)
	byOrder := map[string]map[string]any{}
	for _, m := range msgs {
		byOrder[m.Meta(spapi.MetaOrderID)] = m.Body.(map[string]any)["ShipmentItemAdjustmentList"].([]any)[0].(map[string]any)
	}
	assert.Equal(t, map[string]any{"Reason": "CR-DEFECTIVE", "Quantity": int64(returned.Items[0].Quantity), "Status": "Approved",
		"RequestDate": clock.Now().Add(-6*time.Minute - time.Hour).Format("02-Jan-2006")}, byOrder[returned.ID]["Return"])
	assert.NotContains(t, byOrder[partial.ID], "Return")
}

func TestRefunds_waiting_for_the_returns_report_reads_the_window_once(t *testing.T) {
	const notReady = 4
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	o, partial := returnedAndPartial(t, clock, e.sim)
	r := refundsRunner(t, e, "{every: 15m, lookback: 24h, returns: {lookback: 24h}}")
	before := e.sim.Stats().Calls

	for i := range notReady {
		_, err := r.PollOnce(componenttest.Context(t))
		require.Error(t, err, "poll %d: the report is not ready yet", i)
		assert.True(t, component.IsRetryable(err), "%v", err)
		clock.Advance(10 * time.Second)
	}
	later, err := e.sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant})
	require.NoError(t, err)
	_, err = e.sim.PostRefund(later.ID, simulator.RefundSpec{}) // after the waiting round's window
	require.NoError(t, err)
	assert.Empty(t, e.pub.Messages(), "nothing is published without the returns")
	clock.Advance(time.Minute - notReady*10*time.Second)
	_, err = r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)

	since := func(op string) int { return e.sim.Stats().Calls[op] - before[op] }
	assert.Equal(t, 1, since("listFinancialEvents"), "the window is read once however long its report takes")
	assert.Equal(t, 1, since("createReport"))
	assert.Equal(t, notReady+1, since("getReport"), "the report is polled until it is ready")
	assertReturnedAndPartial(t, clock, e.pub.Messages(), o, partial)

	clock.Advance(5 * time.Minute)
	_, err = r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	msgs := e.pub.Messages()
	require.Len(t, msgs, 3, "the next window starts where the waiting one ended")
	assert.Equal(t, later.ID, msgs[2].Meta(spapi.MetaOrderID))
}
