package cli_test

import (
	"context"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// A refund that arrives before its order is in Sage waits for it: the
// order is dead-lettered (its item is inactive in Sage), Amazon refunds
// it, the refund is retried without becoming a dead letter; once the item
// is active again and the order replayed, the refund reaches Sage once,
// with Amazon's amount.
func TestReference_a_refund_that_arrives_before_its_order_waits_for_it(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	t.Parallel()
	w := newWorld(t, 150, simulator.Faults{})
	w.start()
	ctx := context.Background()
	_, err := w.db().Exec(`UPDATE timItem SET Status = 0 WHERE ItemID = 'BP-0009-GY'`)
	require.NoError(t, err)
	w.runFor(time.Minute) // the orders flow's item list (cached 30s) forgets the item
	o, err := w.sim.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByMerchant,
		Items: []simulator.ItemSpec{{SKU: "BP-0009-GY", Quantity: 1}}})
	require.NoError(t, err)
	var order *service.DeadLetter
	componenttest.WaitFor(t, "the order dead-lettered", func() bool {
		recs, err := w.engine.Admin().List(ctx, service.DeadLetterFilter{Pipeline: "orders", Status: service.StatusOpen})
		require.NoError(t, err)
		for _, r := range recs {
			if r.Key == o.ID {
				order = r
			}
		}
		return order != nil
	})
	refund, err := w.sim.PostRefund(o.ID, simulator.RefundSpec{})
	require.NoError(t, err)
	key := o.ID + "/" + refund.Items[0].AdjustmentID

	w.runFor(30 * time.Minute) // the refund is read and retried meanwhile
	assert.False(t, w.refundInSage(key))
	assert.Empty(t, w.deadLetterKeys("refunds"), "a refund waiting for its order is not a dead letter")

	_, err = w.db().Exec(`UPDATE timItem SET Status = 1 WHERE ItemID = 'BP-0009-GY'`)
	require.NoError(t, err)
	out, err := w.engine.Admin().ReplayAndWait(ctx, order.Seq, service.ReplayRequest{}, componenttest.WaitLimit)
	require.NoError(t, err)
	require.Equal(t, "ok", out.Status, "%+v", out)
	componenttest.WaitFor(t, "the refund in Sage", func() bool { return w.refundInSage(key) })
	var n int
	var credit decimal.Decimal
	require.NoError(t, w.db().QueryRow(`SELECT COUNT(*), SUM(s.AmtShipped + s.FreightAmt) FROM tsoShipment s
		JOIN tsoShipment_ext x ON x.ShipKey = s.ShipKey WHERE x.AmazonRefundId = ?`, key).Scan(&n, &credit))
	assert.Equal(t, 1, n)
	assert.Equal(t, refund.Items[0].Total().String(), credit.Trim(2).String())
}

// refundInSage reports whether Sage has the customer return of a refund.
func (w *world) refundInSage(key string) bool {
	var n int
	require.NoError(w.t, w.db().QueryRow(`SELECT COUNT(*) FROM tsoShipment_ext WHERE AmazonRefundId = ?`, key).Scan(&n))
	return n > 0
}
