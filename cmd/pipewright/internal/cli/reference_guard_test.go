package cli_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// A Sage price typed ten times too low is held by the prices flow's guard
// (held across a restart, polled again without a second hold) and reaches
// Amazon only once a reviewer approves it; there it suppresses the listing,
// which the listing board shows.
func TestReference_a_price_drop_of_90_percent_reaches_amazon_only_once_approved(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory against the simulator")
	}
	t.Parallel()
	w := newWorld(t, 150, simulator.Faults{})
	w.start()
	w.settle("prices", w.checkPrices)
	// The simulator's catalogue starts with Sage's prices: wait until the
	// flow sent them, so that the guard knows the last price of each.
	const item = "DG-0012-RD"
	componenttest.WaitFor(t, "the prices sent", func() bool {
		return w.metric("pipewright_messages_out_total", map[string]string{"pipeline": "prices"}) >= float64(w.pricedItems())
	})

	var old float64
	require.NoError(t, w.db().QueryRow(`SELECT StdPrice FROM timItem WHERE ItemID = ?`, item).Scan(&old))
	low := math.Round(old*10) / 100 // a tenth, in cents
	_, err := w.db().Exec(`UPDATE timItem SET StdPrice = ? WHERE ItemID = ?`, low, item)
	require.NoError(t, err)

	held := w.heldPrice(item)
	assert.Contains(t, held.Error, "held for review by price-move: price of "+item+" on ATVPDKIKX0DER moves from "+money(old)+" to "+money(low))
	w.stop()
	w.start()
	w.runFor(20 * time.Minute) // four polls of the price
	assert.Equal(t, held.Seq, w.heldPrice(item).Seq, "still held after a restart, and not held again")
	assert.Equal(t, money(old), w.listingPrice(item), "not sent while held")

	o, err := w.engine.Admin().Approve(context.Background(), held.Seq, "e2e reviewer", "clearance", componenttest.WaitLimit)
	require.NoError(t, err)
	assert.Equal(t, service.ReplayOK, o.Status)
	componenttest.WaitFor(t, "the approved price on Amazon", func() bool { return w.listingPrice(item) == money(low) })
	r, err := w.engine.Admin().Get(context.Background(), held.Seq)
	require.NoError(t, err)
	assert.Equal(t, "approved", r.Resolution.How)
	assert.Equal(t, "e2e reviewer", r.Resolution.By)

	// Amazon takes a tenth of the price for a pricing error: the listing
	// reaches the listing board.
	w.checkListingProblem(item)
}

// heldPrice waits for the one open held price of item.
func (w *world) heldPrice(item string) *service.DeadLetter {
	w.t.Helper()
	var found *service.DeadLetter
	componenttest.WaitFor(w.t, "the held price of "+item, func() bool {
		recs, err := w.engine.Admin().List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen, Pipeline: "prices", Class: service.ClassHeld})
		require.NoError(w.t, err)
		found = nil
		for _, r := range recs {
			var in struct {
				SKU string `json:"sku"`
			}
			if json.Unmarshal(r.Input, &in) == nil && in.SKU == item {
				require.Nil(w.t, found, "one held record per held price")
				found = r
			}
		}
		return found != nil
	})
	return found
}

// pricedItems counts the items the prices flow prices (each has a
// listing at least; the feed sends a poll's prices in one batch).
func (w *world) pricedItems() int {
	var n int
	require.NoError(w.t, w.db().QueryRow(`SELECT COUNT(*) FROM timItem WHERE StdPrice > 0 AND Status = 1 AND AvailForSale = 1`).Scan(&n))
	return n
}

// listingPrice is the US offer price of a listing on the simulator.
func (w *world) listingPrice(sku string) string {
	for _, l := range w.sim.Listings() {
		if l.SKU == sku {
			return listingPrice(l, "ATVPDKIKX0DER")
		}
	}
	return ""
}
