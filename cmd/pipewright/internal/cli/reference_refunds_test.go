package cli_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/service"
)

// refundKey is the customer return's key of an Amazon refund.
func refundKey(o simulator.Order, r simulator.Refund) string {
	return o.ID + "/" + r.Items[0].AdjustmentID
}

// checkRefunds: every refund Amazon posted before cutoff of an order Sage
// has is one customer return (tran type 811) whose credit (AmtShipped +
// FreightAmt) is Amazon's refund to the cent, and whose lines return the
// units the returns report says came back (none without a return).
func (w *world) checkRefunds(p *problems, cutoff time.Time) int {
	t := w.t
	type sageReturn struct {
		credit   decimal.Decimal
		returned map[string]int64 // by AmazonOrderItemId
	}
	sage := map[string]*sageReturn{}
	rows, err := w.db().Query(`SELECT x.AmazonRefundId, s.TranType, s.AmtShipped, s.FreightAmt, lx.AmazonOrderItemId, CAST(d.QtyShipped AS int)
		FROM tsoShipment s JOIN tsoShipment_ext x ON x.ShipKey = s.ShipKey
		JOIN tsoShipLine l ON l.ShipKey = s.ShipKey JOIN tsoShipLineDist d ON d.ShipLineKey = l.ShipLineKey
		JOIN tsoSOLine_ext lx ON lx.SOLineKey = l.SOLineKey
		WHERE x.AmazonRefundId IS NOT NULL ORDER BY s.ShipKey, l.ShipLineNo`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var key, item string
		var tranType, qty int64
		var amt, freight decimal.Decimal
		require.NoError(t, rows.Scan(&key, &tranType, &amt, &freight, &item, &qty))
		if tranType != 811 {
			p.addf("refund %s: tran type %d, want 811 (customer return)", key, tranType)
		}
		sr := sage[key]
		if sr == nil {
			credit, _ := amt.Add(freight)
			sr = &sageReturn{credit: credit, returned: map[string]int64{}}
			sage[key] = sr
		}
		if _, dup := sr.returned[item]; dup {
			p.addf("refund %s: item %s returned twice", key, item)
		}
		sr.returned[item] = qty
	}
	require.NoError(t, rows.Err())
	inSage := w.ordersInSage()
	rules := readRestockRules(w)
	dead := w.deadLetterKeys("refunds")
	checked := 0
	for _, o := range w.sim.Orders() {
		for _, r := range o.Refunds {
			key := refundKey(o, r)
			sr, ok := sage[key]
			delete(sage, key)
			switch {
			case r.Posted.After(cutoff) || !inSage[o.ID]:
				continue // may still be on its way, or waits for its order
			case unmappedReason(r, rules) != "":
				if ok || !dead[key] {
					p.addf("refund %s: return reason %s is not in the table; want a dead letter and no return in Sage (in Sage: %t)", key, unmappedReason(r, rules), ok)
				}
				checked++
				continue
			case !ok:
				p.addf("refund %s (posted %s) is not in Sage", key, r.Posted)
				continue
			}
			want := decimal.Zero
			for _, it := range r.Items {
				want, _ = want.Add(it.Total())
				back := int64(0)
				if it.Return != nil {
					back = int64(it.Return.Quantity)
				}
				if sr.returned[it.OrderItemID] != back {
					p.addf("refund %s: item %s returns %d unit(s) in Sage, %d came back on Amazon", key, it.OrderItemID, sr.returned[it.OrderItemID], back)
				}
			}
			if sr.credit.Cmp(want) != 0 {
				p.addf("refund %s: Sage credits %s, Amazon refunded %s", key, sr.credit, want)
			}
			checked++
		}
	}
	for key := range sage {
		p.addf("customer return %s has no refund on Amazon", key)
	}
	return checked
}

// unmappedReason is the first return reason of r the rules lack, or "".
func unmappedReason(r simulator.Refund, rules map[string]bool) string {
	for _, it := range r.Items {
		if it.Return != nil {
			if _, ok := rules[it.Return.Reason]; !ok {
				return it.Return.Reason
			}
		}
	}
	return ""
}

// deadLetterKeys is the business keys of a pipeline's open dead letters.
func (w *world) deadLetterKeys(pipeline string) map[string]bool {
	recs, err := w.engine.Admin().List(context.Background(), service.DeadLetterFilter{Pipeline: pipeline})
	require.NoError(w.t, err)
	keys := map[string]bool{}
	for _, r := range recs {
		keys[r.Key] = true
	}
	return keys
}

// postReturns posts a return of two shipped merchant orders Sage has, one
// for a reason the table restocks and one for a reason it does not, so
// that the run has both.
func (w *world) postReturns() {
	inSage := w.ordersInSage()
	reasons := []string{"CR-UNWANTED_ITEM", "CR-DEFECTIVE"}
	for _, o := range w.sim.Orders() {
		if len(reasons) == 0 {
			return
		}
		if o.Status == simulator.StatusShipped && o.FulfilledBy == simulator.FulfilledByMerchant && len(o.Refunds) == 0 && inSage[o.ID] {
			_, err := w.sim.PostRefund(o.ID, simulator.RefundSpec{Return: true, Reason: reasons[0]})
			require.NoError(w.t, err)
			reasons = reasons[1:]
		}
	}
	w.t.Fatalf("no shipped merchant order left to post the returns %v on", reasons)
}

// ordersInSage is the Amazon order ids Sage has.
func (w *world) ordersInSage() map[string]bool {
	rows, err := w.db().Query(`SELECT AmazonOrderId FROM tsoSalesOrder_ext`)
	require.NoError(w.t, err)
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		require.NoError(w.t, rows.Scan(&id))
		ids[id] = true
	}
	require.NoError(w.t, rows.Err())
	return ids
}

// binKey is an item in a warehouse.
type binKey struct{ item, whse int64 }

// stock is the quantity on hand in each warehouse's default bin.
func (w *world) stock() map[binKey]int64 {
	return w.sumBy(`SELECT b.ItemKey, wb.WhseKey, CAST(b.QtyOnHand AS int) FROM timWhseBinInvt b
		JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey WHERE wb.DfltBin = 1`)
}

func (w *world) sumBy(query string) map[binKey]int64 {
	rows, err := w.db().Query(query)
	require.NoError(w.t, err)
	defer rows.Close()
	out := map[binKey]int64{}
	for rows.Next() {
		var k binKey
		var n int64
		require.NoError(w.t, rows.Scan(&k.item, &k.whse, &n))
		out[k] += n
	}
	require.NoError(w.t, rows.Err())
	return out
}

// checkRestock: stock moves only for restocked returns. In each
// warehouse, an item's stock is what it was before the run, less what the
// demo warehouse shipped (810; not Amazon's MCF packages, which take no
// stock), plus the units of customer returns whose
// return reason tables/return_restock.csv restocks. (Where the shipments
// alone would have emptied the bin the warehouse stops at zero, and the
// item is not checked.)
func (w *world) checkRestock(p *problems) int {
	rules := readRestockRules(w)
	shipped := w.sumBy(`SELECT l.ItemKey, s.WhseKey, CAST(SUM(d.QtyShipped) AS int) FROM tsoShipment s
		JOIN tsoShipLine l ON l.ShipKey = s.ShipKey JOIN tsoShipLineDist d ON d.ShipLineKey = l.ShipLineKey
		WHERE s.TranType = 810 AND NOT EXISTS (SELECT 1 FROM tsoShipment_ext x WHERE x.ShipKey = s.ShipKey AND x.AmazonPackageId IS NOT NULL)
		GROUP BY l.ItemKey, s.WhseKey`)
	restocked := map[binKey]int64{}
	rows, err := w.db().Query(`SELECT x.AmazonRefundId, lx.AmazonOrderItemId, l.ItemKey, sd.WhseKey, CAST(d.QtyShipped AS int)
		FROM tsoShipment s JOIN tsoShipment_ext x ON x.ShipKey = s.ShipKey
		JOIN tsoShipLine l ON l.ShipKey = s.ShipKey JOIN tsoShipLineDist d ON d.ShipLineKey = l.ShipLineKey
		JOIN tsoSOLineDist sd ON sd.SOLineDistKey = d.SOLineDistKey JOIN tsoSOLine_ext lx ON lx.SOLineKey = l.SOLineKey
		WHERE s.TranType = 811 AND d.QtyShipped > 0`)
	require.NoError(w.t, err)
	defer rows.Close()
	reasons := w.returnReasons()
	for rows.Next() {
		var key, item string
		var k binKey
		var qty int64
		require.NoError(w.t, rows.Scan(&key, &item, &k.item, &k.whse, &qty))
		if rules[reasons[key+"|"+item]] {
			restocked[k] += qty
		}
	}
	require.NoError(w.t, rows.Err())
	checked := 0
	for k, now := range w.stock() {
		left := w.initialStock[k] - shipped[k]
		if left <= 0 {
			continue
		}
		if want := left + restocked[k]; now != want {
			p.addf("item %d in warehouse %d: %d on hand, want %d (%d before, %d shipped, %d restocked)", k.item, k.whse, now, want, w.initialStock[k], shipped[k], restocked[k])
			continue
		}
		checked++
	}
	return checked
}

// returnReasons is Amazon's return reason of each refunded item, by the
// customer return's key and the order item id.
func (w *world) returnReasons() map[string]string {
	out := map[string]string{}
	for _, o := range w.sim.Orders() {
		for _, r := range o.Refunds {
			for _, it := range r.Items {
				if it.Return != nil {
					out[refundKey(o, r)+"|"+it.OrderItemID] = it.Return.Reason
				}
			}
		}
	}
	return out
}

// readRestockRules reads the reference table: reason -> restock.
func readRestockRules(w *world) map[string]bool {
	fh, err := os.Open(filepath.Join(w.dir, "tables", "return_restock.csv"))
	require.NoError(w.t, err)
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comment = '#'
	rules := map[string]bool{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rules
		}
		require.NoError(w.t, err)
		if !first {
			rules[strings.TrimSpace(rec[0])] = strings.TrimSpace(rec[1]) == "true"
		}
	}
}
