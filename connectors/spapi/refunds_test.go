package spapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
	"github.com/pipewright/pipewright/engine/source"
)

// refundOrders creates n merchant orders and posts a partial refund of
// each (before shipment).
func refundOrders(t testing.TB, sim *simulator.Server, n int) []simulator.Order {
	t.Helper()
	var orders []simulator.Order
	for range n {
		o, err := sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant})
		require.NoError(t, err)
		_, err = sim.PostRefund(o.ID, simulator.RefundSpec{})
		require.NoError(t, err)
		o, _ = sim.Order(o.ID)
		orders = append(orders, o)
	}
	return orders
}

func TestRefunds_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		clock := componenttest.NewManualClock(epoch)
		e := newEnv(t, clock, "", "")
		f := spapi.NewRefundsFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Clock, set.Connection = clock, e.conn
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{every: 1m, lookback: 1h}"))
				require.NoError(t, err)
				return src
			},
			Input: func(t testing.TB, n int) int { return len(refundOrders(t, e.sim, n)) },
			Step: func() {
				clock.Advance(30 * time.Second)
				e.sim.Sync()
			},
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

// refundsRunner is the source as the engine runs it, on a manual clock.
func refundsRunner(t *testing.T, e *env, options string) *source.Runner {
	t.Helper()
	f := spapi.NewRefundsFactory()
	r, err := componenttest.CreateSource(context.Background(), f, e.sourceSettings(), componenttest.DecodeConfig(t, f, options))
	require.NoError(t, err)
	return r
}

func TestRefunds_pages_through_the_window_and_publishes_each_event_with_amazons_amounts(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	orders := refundOrders(t, e.sim, 150)
	clock.Advance(5 * time.Minute)
	r := refundsRunner(t, e, "{every: 15m, lookback: 1h}")
	more, err := r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	assert.True(t, more, "150 events are two pages")
	_, err = r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	msgs := e.pub.Messages()
	require.Len(t, msgs, len(orders))
	for i, m := range msgs {
		o, ref := orders[i], orders[i].Refunds[0].Items[0]
		assert.Equal(t, "refund-"+o.ID+"-"+ref.AdjustmentID, m.ID)
		assert.Equal(t, o.ID+"/"+ref.AdjustmentID, m.Meta(component.MetaKey))
		body := m.Body.(map[string]any)
		assert.Equal(t, "Refund", body["EventType"])
		item := body["ShipmentItemAdjustmentList"].([]any)[0].(map[string]any)
		charge := item["ItemChargeAdjustmentList"].([]any)[0].(map[string]any)["ChargeAmount"].(map[string]any)["CurrencyAmount"]
		assert.Equal(t, ref.Principal.Neg().String(), charge.(decimal.Decimal).String(), "exact, as Amazon wrote it")
	}
	more, err = r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	assert.False(t, more)
	assert.Len(t, e.pub.Messages(), len(orders), "the next window starts where the last ended")
}

func TestRefunds_waits_two_minutes_before_reading_an_event(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	refundOrders(t, e.sim, 1)
	r := refundsRunner(t, e, "{every: 15m, lookback: 1h}")
	_, err := r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	assert.Empty(t, e.pub.Messages(), "Amazon lists events posted more than two minutes ago")
	clock.Advance(4 * time.Minute)
	_, err = r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	assert.Len(t, e.pub.Messages(), 1)
}

func TestRefundsConfig_refuses_bad_options(t *testing.T) {
	f := spapi.NewRefundsFactory()
	for options, want := range map[string]string{
		"{lookback: 5000h}":          "lookback: want a duration up to 4320h0m0s",
		"{events: [Refund, Refund]}": `events: "Refund": want each of Refund, GuaranteeClaim, Chargeback at most once`,
		"{every: 0s}":                "every: must be positive",
	} {
		_, err := componenttest.TryDecodeConfig(f, options)
		assert.ErrorContains(t, err, want, options)
	}
}

func TestRefunds_add_the_returns_reports_reason_to_items_that_come_back(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	o, partial := returnedAndPartial(t, clock, e.sim)
	r := refundsRunner(t, e, "{every: 15m, lookback: 24h, returns: {lookback: 24h}}")

	_, err := r.PollOnce(componenttest.Context(t))
	require.Error(t, err, "the report is not ready yet")
	assert.True(t, component.IsRetryable(err), "%v", err)
	assert.Empty(t, e.pub.Messages(), "nothing is published without the returns")

	clock.Advance(time.Minute)
	_, err = r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	assertReturnedAndPartial(t, clock, e.pub.Messages(), o, partial)
}

func TestRefunds_an_event_without_an_adjustment_id_is_dead_lettered_and_the_others_published(t *testing.T) {
	const events = `{"payload":{"FinancialEvents":{"RefundEventList":[
  {"AmazonOrderId":"112-0000000-0000001","PostedDate":"2026-03-02T08:00:00Z","ShipmentItemAdjustmentList":[{"SellerSKU":"A","OrderItemId":"1"}]},
  {"AmazonOrderId":"112-0000000-0000002","PostedDate":"2026-03-02T08:01:00Z","ShipmentItemAdjustmentList":[{"SellerSKU":"B","OrderItemId":"2","OrderAdjustmentItemId":"77"}]}]}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/auth/o2/token":
			fmt.Fprint(w, `{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}`)
		case "/finances/v0/financialEvents":
			fmt.Fprint(w, events)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	clock := componenttest.NewManualClock(epoch)
	e := &env{t: t, clock: clock, conn: newDirectConnection(t, srv.URL, clock), pub: &componenttest.Publisher{},
		dead: &componenttest.DeadLetters{}, mux: componenttest.NewMux(), reg: prometheus.NewRegistry()}
	r := refundsRunner(t, e, "{every: 15m, lookback: 24h}")
	_, err := r.PollOnce(componenttest.Context(t))
	require.NoError(t, err)
	require.Len(t, e.pub.Messages(), 1)
	assert.Equal(t, "refund-112-0000000-0000002-77", e.pub.Messages()[0].ID)
	msgs, reasons := e.dead.Records()
	require.Len(t, msgs, 1)
	assert.Equal(t, "112-0000000-0000001", msgs[0].Meta(spapi.MetaOrderID))
	assert.ErrorContains(t, reasons[0], "a Refund event posted 2026-03-02T08:00:00Z has no AmazonOrderId or no item adjustment with an OrderAdjustmentItemId")
}
