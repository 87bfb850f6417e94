package spapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// newCallSink decodes yaml and binds its expressions with bindings (option
// path -> function of the message body).
func newCallSink(t *testing.T, e *env, yaml string, bindings map[string]func(map[string]any) any) component.Sink {
	t.Helper()
	f := spapi.NewCallFactory()
	cfg := componenttest.DecodeConfig(t, f, yaml).(*spapi.CallConfig)
	for path, fn := range bindings {
		switch {
		case path == "body":
			bindTemplate(&cfg.Body, fn)
		case len(path) > 5 && path[:5] == "path.":
			ex := cfg.Path[path[5:]]
			bind(&ex, fn)
			cfg.Path[path[5:]] = ex
		default:
			ex := cfg.Query[path[6:]]
			bind(&ex, fn)
			cfg.Query[path[6:]] = ex
		}
	}
	sink, err := f.CreateSink(context.Background(), e.sinkSettings(), cfg)
	require.NoError(t, err)
	start(t, sink)
	return sink
}

const confirmYAML = `
operation: confirmShipment
path: {orderId: msg.orderId}
body: {marketplaceId: msg.marketplaceId, packageDetail: {}}`

func confirmBindings() map[string]func(map[string]any) any {
	return map[string]func(map[string]any) any{
		"path.orderId": func(b map[string]any) any { return b["orderId"] },
		"body": func(b map[string]any) any {
			return map[string]any{"marketplaceId": b["marketplaceId"], "packageDetail": map[string]any{
				"packageReferenceId": "1", "carrierCode": "UPS", "trackingNumber": "1Z999AA10123456784",
				"shipDate": "2026-03-02T10:00:00Z", "shippingMethod": "UPS Ground",
				"orderItems": []any{map[string]any{"orderItemId": b["itemId"], "quantity": b["quantity"]}},
			}}
		},
	}
}

func TestCall_confirmShipment_reaches_the_simulators_order(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	o, err := e.sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, MarketplaceID: "ATVPDKIKX0DER",
		Items: []simulator.ItemSpec{{SKU: demo.Products[0].SellerSKU, Quantity: 2}}})
	require.NoError(t, err)
	sink := newCallSink(t, e, confirmYAML, confirmBindings())
	msg := component.NewMessage("s-1", map[string]any{"orderId": o.ID, "marketplaceId": o.MarketplaceID, "itemId": o.Items[0].ID, "quantity": int64(2)})

	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{msg}))
	pkgs := e.sim.Confirmations(o.ID)
	require.Len(t, pkgs, 1)
	assert.Equal(t, "1Z999AA10123456784", pkgs[0].TrackingNumber)
	shipped, _ := e.sim.Order(o.ID)
	assert.Equal(t, simulator.StatusShipped, shipped.Status)

	// A second confirmation of the same package (another message: a new
	// version of the shipment) is refused: permanent.
	again := component.NewMessage("s-1-v2", msg.Body)
	err = sink.Write(componenttest.Context(t), []*component.Message{again})
	require.Error(t, err)
	assert.True(t, component.IsPermanent(component.ErrFor(err, 0)), "%v", err)
	assert.Contains(t, err.Error(), "HTTP 400")
}

// With done_on, Amazon's refusal of a package it already has (the sink
// crashed after the call and the message came again) completes the message;
// other refusals stay permanent.
func TestCall_done_on_completes_a_call_whose_effect_is_in_place(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	o, err := e.sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, MarketplaceID: "ATVPDKIKX0DER",
		Items: []simulator.ItemSpec{{SKU: demo.Products[0].SellerSKU, Quantity: 1}}})
	require.NoError(t, err)
	sink := newCallSink(t, e, confirmYAML+`
done_on:
  - {status: 400, message: "HAS ALREADY BEEN CONFIRMED"}`, confirmBindings())
	msg := component.NewMessage("s-1", map[string]any{"orderId": o.ID, "marketplaceId": o.MarketplaceID, "itemId": o.Items[0].ID, "quantity": int64(1)})
	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{msg}))
	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{msg}), "the package is already confirmed: done")
	assert.Len(t, e.sim.Confirmations(o.ID), 1)
	assert.Equal(t, 1.0, e.counter(t, "pipewright_spapi_calls_already_done_total"))

	wrongMarket := component.NewMessage("s-2", map[string]any{"orderId": o.ID, "marketplaceId": "A1F83G8C2ARO7P", "itemId": o.Items[0].ID, "quantity": int64(1)})
	err = sink.Write(componenttest.Context(t), []*component.Message{wrongMarket})
	assert.True(t, component.IsPermanent(component.ErrFor(err, 0)), "another 400 is still permanent: %v", err)
}

func TestCall_reports_each_message_of_a_batch(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	sink := newCallSink(t, e, `
operation: patchListingsItem
path: {sellerId: msg.seller, sku: msg.sku}
query: {marketplaceIds: msg.marketplaces}
body: {}`, map[string]func(map[string]any) any{
		"path.sellerId":        func(b map[string]any) any { return demo.SellerID },
		"path.sku":             func(b map[string]any) any { return b["sku"] },
		"query.marketplaceIds": func(b map[string]any) any { return []any{"ATVPDKIKX0DER"} },
		"body": func(b map[string]any) any {
			return map[string]any{"productType": "PRODUCT", "patches": []any{map[string]any{
				"op": "replace", "path": "/attributes/fulfillment_availability",
				"value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": b["quantity"]}},
			}}}
		},
	})
	good := component.NewMessage("m-1", map[string]any{"sku": demo.Products[1].SellerSKU, "quantity": int64(7)})
	unknown := component.NewMessage("m-2", map[string]any{"sku": "NO-SUCH-SKU", "quantity": int64(1)})
	badType := component.NewMessage("m-3", map[string]any{"sku": []any{"x"}, "quantity": int64(1)})

	err := sink.Write(componenttest.Context(t), []*component.Message{good, unknown, badType})
	var be *component.BatchError
	require.ErrorAs(t, err, &be)
	assert.NoError(t, component.ErrFor(err, 0))
	assert.True(t, component.IsPermanent(component.ErrFor(err, 1)))
	assert.Contains(t, component.ErrFor(err, 1).Error(), "SKU NO-SUCH-SKU is INVALID")
	assert.True(t, component.IsPermanent(component.ErrFor(err, 2)))
	assert.Contains(t, component.ErrFor(err, 2).Error(), "path.sku: want a string or number, got list")
	l, ok := e.sim.Listing(demo.Products[1].SellerSKU)
	require.True(t, ok)
	assert.Contains(t, l.Attributes, "fulfillment_availability")
}

// Without done_on, a redelivered message (its acknowledgement was lost in
// a failover) is not called again; another message with the same content
// is, also by a restarted sink.
func TestCall_without_done_on_calls_a_redelivered_message_once(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	yaml := `
operation: patchListingsItem
path: {sellerId: msg.seller, sku: msg.sku}
query: {marketplaceIds: msg.marketplaces}
body: {}`
	bindings := map[string]func(map[string]any) any{
		"path.sellerId":        func(map[string]any) any { return demo.SellerID },
		"path.sku":             func(b map[string]any) any { return b["sku"] },
		"query.marketplaceIds": func(map[string]any) any { return []any{"ATVPDKIKX0DER"} },
		"body": func(b map[string]any) any {
			return map[string]any{"productType": "PRODUCT", "patches": []any{map[string]any{
				"op": "replace", "path": "/attributes/item_name", "value": []any{map[string]any{"value": "Mug"}},
			}}}
		},
	}
	body := map[string]any{"sku": demo.Products[1].SellerSKU}
	calls := func() int { return e.sim.Stats().Calls["patchListingsItem"] }

	sink := newCallSink(t, e, yaml, bindings)
	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{component.NewMessage("m-1", body)}))
	require.Equal(t, 1, calls())
	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{component.NewMessage("m-1", body)}), "a redelivery is done")
	assert.Equal(t, 1, calls(), "not called again")
	assert.Equal(t, 1.0, e.counter(t, "pipewright_sink_duplicates_dropped_total"))

	restarted := newCallSink(t, e, yaml, bindings) // same State
	require.NoError(t, restarted.Write(componenttest.Context(t), []*component.Message{
		component.NewMessage("m-1", body), component.NewMessage("m-2", body),
	}))
	assert.Equal(t, 2, calls(), "m-1 not called again after a restart; m-2, equal in content, called")
}

// During a 429 storm every call is throttled; the client backs off, hands
// the engine a retryable error with a delay, and the message is written
// again. When the storm ends every shipment is confirmed exactly once.
func TestCall_429_storm_ends_with_every_call_done_once(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "faults: {storm_after: 0s, storm_for: 10m}\n", "")
	var msgs []*component.Message
	var ids []string
	for i := 0; i < 8; i++ {
		o, err := e.sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, MarketplaceID: "ATVPDKIKX0DER",
			Items: []simulator.ItemSpec{{SKU: demo.Products[i%len(demo.Products)].SellerSKU, Quantity: 1}}})
		require.NoError(t, err)
		ids = append(ids, o.ID)
		msgs = append(msgs, component.NewMessage(o.ID, map[string]any{"orderId": o.ID, "marketplaceId": o.MarketplaceID, "itemId": o.Items[0].ID, "quantity": int64(1)}))
	}
	sink := newCallSink(t, e, confirmYAML, confirmBindings())
	done := make(chan struct{})
	retryable := 0
	go func() {
		defer close(done)
		pending := msgs
		for len(pending) > 0 {
			err := sink.Write(componenttest.Context(t), pending)
			var next []*component.Message
			for i, m := range pending {
				if err := component.ErrFor(err, i); err != nil {
					assert.True(t, component.IsRetryable(err), "%v", err)
					assert.Positive(t, component.RetryDelay(err))
					retryable++
					next = append(next, m)
				}
			}
			pending = next
		}
	}()
	drive(t, clock, e.sim, time.Second, 3000, func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	})
	assert.Positive(t, retryable, "the storm was felt")
	for _, id := range ids {
		assert.Len(t, e.sim.Confirmations(id), 1, id)
	}
	assert.Positive(t, e.sim.Stats().Throttled["confirmShipment"])
}
