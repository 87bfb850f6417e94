package spapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// board is a component.ListingBoard recording the updates.
type board struct {
	mu      sync.Mutex
	updates []component.ListingUpdate
}

func (b *board) Record(_ context.Context, u component.ListingUpdate) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.updates = append(b.updates, u)
	return nil
}

func (b *board) got() []component.ListingUpdate {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]component.ListingUpdate(nil), b.updates...)
}

// A mistyped price sent by a feed makes the simulator's listing develop a
// pricing-error issue: its
// LISTINGS_ITEM_* notifications, pushed as EventBridge events to an
// spapi.notifications path, reach the listing board through
// spapi.listing_issues as an issue and a status; the right price clears
// them.
func TestListingIssues_simulator_notifications_reach_the_board(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "notify: {envelope: eventbridge, types: {LISTINGS_ITEM_ISSUES_CHANGE: /hooks/listings, LISTINGS_ITEM_STATUS_CHANGE: /hooks/listings}, "+pushToken+"}\n", "")
	nf := spapi.NewNotificationsFactory()
	src, err := componenttest.CreateSource(context.Background(), nf, e.sourceSettings(), componenttest.DecodeConfig(t, nf,
		"{path: /hooks/listings, auth: {header: X-Hook-Token, token: s3cret}, types: [LISTINGS_ITEM_ISSUES_CHANGE, LISTINGS_ITEM_STATUS_CHANGE]}"))
	require.NoError(t, err)
	start(t, src)
	b := &board{}
	set := e.sinkSettings()
	set.Listings = b
	sf := spapi.NewListingIssuesFactory()
	sink, err := sf.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, sf, "{}"))
	require.NoError(t, err)
	start(t, sink)

	feed := newFeedSink(t, e.sinkSettings())
	t.Cleanup(func() { _ = feed.Shutdown(context.Background()) })
	price := func(id, p string) {
		msg := component.NewMessage(id, map[string]any{"sku": "WB-0002-BL", "quantity": int64(5), "price": decimal.MustParse(p)})
		require.NoError(t, feed.Write(componenttest.Context(t), []*component.Message{msg}))
	}
	deliver := func(n int) {
		drive(t, clock, e.sim, 10*time.Second, 100, func() bool { return len(e.pub.Messages()) == n })
		require.NoError(t, sink.Write(componenttest.Context(t), e.pub.Messages()[len(b.got()):]))
	}
	price("p1", "2.49")
	deliver(2)
	got := b.got()
	require.Len(t, got, 2)
	byKind := map[bool]component.ListingUpdate{}
	for _, u := range got {
		assert.Equal(t, "WB-0002-BL", u.SKU)
		assert.Equal(t, "ATVPDKIKX0DER", u.Marketplace)
		assert.Equal(t, "B0DEMO0002", u.ASIN)
		assert.NotEmpty(t, u.Source)
		byKind[u.Status != nil] = u
	}
	assert.Equal(t, []string{"ERROR"}, byKind[false].Severities)
	assert.Equal(t, []string{"SEARCH_SUPPRESSED"}, byKind[false].Actions)
	assert.Equal(t, []string{"DISCOVERABLE"}, byKind[true].Status)

	price("p2", "24.99")
	deliver(4)
	got = b.got()
	require.Len(t, got, 4)
	for _, u := range got[2:] {
		if u.Status != nil {
			assert.Equal(t, []string{"BUYABLE", "DISCOVERABLE"}, u.Status)
		} else {
			assert.Equal(t, []string{}, u.Severities, "no issues: the problem clears")
		}
	}

	// Another notification type is refused on its own.
	err = sink.Write(componenttest.Context(t), []*component.Message{component.NewMessage("x", map[string]any{"NotificationType": "ORDER_CHANGE",
		"EventTime": "2026-03-02T09:00:00Z", "Payload": map[string]any{"Sku": "A"}})})
	assert.True(t, component.IsPermanent(component.ErrFor(err, 0)))
}
