package spapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const feedYAML = `
sku: msg.sku
patches: []
flush: {max_messages: 100, window: 1m}
poll_every: 30s`

// newFeedSink creates and starts a feed sink on set whose patches set the
// quantity (and, when the message has one, the price).
func newFeedSink(t *testing.T, set component.SinkSettings) component.Sink {
	t.Helper()
	sink := newFeedSinkOn(t, set)
	require.NoError(t, sink.Start(context.Background()))
	return sink
}

// newFeedSinkOn creates newFeedSink's sink without starting it.
func newFeedSinkOn(t testing.TB, set component.SinkSettings) component.Sink {
	t.Helper()
	return newFeedSinkFrom(t, set, feedYAML)
}

// newFeedSinkFrom creates newFeedSink's sink with the options yaml.
func newFeedSinkFrom(t testing.TB, set component.SinkSettings, yaml string) component.Sink {
	t.Helper()
	f := spapi.NewFeedFactory()
	cfg := componenttest.DecodeConfig(t, f, yaml).(*spapi.FeedConfig)
	bind(&cfg.SKU, func(b map[string]any) any { return b["sku"] })
	bind(&cfg.ProductType, func(map[string]any) any { return "PRODUCT" })
	bindTemplate(&cfg.Patches, func(b map[string]any) any {
		if op, ok := b["op"]; ok {
			return []any{map[string]any{"op": op, "path": "/attributes/fulfillment_availability"}}
		}
		patches := []any{map[string]any{"op": "replace", "path": "/attributes/fulfillment_availability",
			"value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": b["quantity"]}}}}
		if price, ok := b["price"]; ok {
			patches = append(patches, map[string]any{"op": "replace", "path": "/attributes/purchasable_offer",
				"value": []any{map[string]any{"marketplace_id": "ATVPDKIKX0DER", "currency": "USD", "audience": "ALL",
					"our_price": []any{map[string]any{"schedule": []any{map[string]any{"value_with_tax": price}}}}}}})
		}
		return patches
	})
	sink, err := f.CreateSink(context.Background(), set, cfg)
	require.NoError(t, err)
	return sink
}

func feedMessages() []*component.Message {
	return []*component.Message{
		component.NewMessage("inv-1", map[string]any{"sku": demo.Products[0].SellerSKU, "quantity": int64(11)}),
		component.NewMessage("inv-2", map[string]any{"sku": "NO-SUCH-SKU", "quantity": int64(3)}),
		component.NewMessage("inv-3", map[string]any{"sku": demo.Products[2].SellerSKU, "quantity": int64(0), "price": decimal.MustParse("44.95")}),
	}
}

func stateKeys(t testing.TB, st component.State, prefix string) []string {
	keys, err := st.Keys(context.Background(), prefix)
	require.NoError(t, err)
	return keys
}

func TestFeed_processing_report_routes_a_bad_sku_to_the_dead_letters(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	set := e.sinkSettings()
	sink := newFeedSink(t, set)
	t.Cleanup(func() { _ = sink.Shutdown(context.Background()) })

	invalid := component.NewMessage("inv-4", map[string]any{"sku": "X", "op": "frobnicate"})
	err := sink.Write(componenttest.Context(t), append(feedMessages(), invalid))
	assert.NoError(t, component.ErrFor(err, 0))
	assert.True(t, component.IsPermanent(component.ErrFor(err, 3)), "a patch Amazon's schema refuses fails at once")
	assert.Len(t, stateKeys(t, set.State, "buf/"), 3, "buffered durably before Write returned")

	drive(t, clock, e.sim, 10*time.Second, 200, func() bool {
		return e.dead.Len() == 1 && len(stateKeys(t, set.State, "feed/")) == 0
	})
	assert.Equal(t, "inv-2", e.dead.Msgs[0].ID)
	assert.Equal(t, map[string]any{"sku": "NO-SUCH-SKU", "quantity": int64(3)}, e.dead.Msgs[0].Body)
	reason := e.dead.Reasons[0].Error()
	assert.True(t, component.IsPermanent(e.dead.Reasons[0]))
	assert.Contains(t, reason, "SKU NO-SUCH-SKU rejected by JSON_LISTINGS_FEED")
	feeds := e.sim.Feeds()
	require.Len(t, feeds, 1)
	assert.Equal(t, "DONE", feeds[0].Status)
	assert.Contains(t, reason, feeds[0].ID)

	l, ok := e.sim.Listing(demo.Products[0].SellerSKU)
	require.True(t, ok)
	assert.Equal(t, []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": int64(11)}}, l.Attributes["fulfillment_availability"])
	assert.Empty(t, stateKeys(t, set.State, "buf/"))
}

func TestFeed_restart_resumes_a_feed_in_flight(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	set := e.sinkSettings()
	sink := newFeedSink(t, set)
	require.NoError(t, sink.Write(componenttest.Context(t), feedMessages()[:2]))
	drive(t, clock, e.sim, 10*time.Second, 100, func() bool { return len(e.sim.Feeds()) == 1 })
	require.NoError(t, sink.Shutdown(context.Background()))
	require.Len(t, stateKeys(t, set.State, "feed/"), 1, "the submitted feed is remembered")

	again := newFeedSink(t, set)
	t.Cleanup(func() { _ = again.Shutdown(context.Background()) })
	drive(t, clock, e.sim, 10*time.Second, 200, func() bool { return e.dead.Len() == 1 && len(stateKeys(t, set.State, "feed/")) == 0 })
	assert.Len(t, e.sim.Feeds(), 1, "not submitted twice")
	assert.Equal(t, "inv-2", e.dead.Msgs[0].ID)
}

// A redelivered message (its acknowledgement was lost in a failover) is
// buffered once, also by a restarted sink; another message with the same
// content is buffered.
func TestFeed_buffers_a_redelivered_message_once(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	set := e.sinkSettings()
	msg := func(id string) *component.Message {
		return component.NewMessage(id, map[string]any{"sku": demo.Products[0].SellerSKU, "quantity": int64(11)})
	}
	sink := newFeedSink(t, set)
	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{msg("inv-1")}))
	require.NoError(t, sink.Write(componenttest.Context(t), []*component.Message{msg("inv-1")}), "a redelivery is done")
	assert.Len(t, stateKeys(t, set.State, "buf/"), 1, "buffered once")
	require.NoError(t, sink.Shutdown(context.Background()))

	again := newFeedSink(t, set)
	t.Cleanup(func() { _ = again.Shutdown(context.Background()) })
	require.NoError(t, again.Write(componenttest.Context(t), []*component.Message{msg("inv-1"), msg("inv-1b")}))
	assert.Len(t, stateKeys(t, set.State, "buf/"), 2, "inv-1 not again after a restart; inv-1b, equal in content, buffered")
	assert.Equal(t, 2.0, e.counter(t, "pipewright_sink_duplicates_dropped_total"))
}
