package cli_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// money reads a SQLite REAL amount as cents-exact decimal text.
func money(v float64) string { return fmt.Sprintf("%.2f", v) }

// checkOrders: every order that was last updated before cutoff and is
// payable (FBA orders: shipped) is one Sage sales order whose total is
// Amazon's; no order is in Sage twice.
func (w *world) checkOrders(p *problems, cutoff time.Time) int {
	t := w.t
	type sageOrder struct {
		total  float64
		status int
	}
	sage := map[string]sageOrder{}
	rows, err := w.db().Query(`SELECT x.AmazonOrderId, o.TranAmt, o.Status FROM tsoSalesOrder o JOIN tsoSalesOrder_ext x ON x.SOKey = o.SOKey`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id string
		var so sageOrder
		require.NoError(t, rows.Scan(&id, &so.total, &so.status))
		if _, dup := sage[id]; dup {
			p.addf("order %s is in Sage twice", id)
		}
		sage[id] = so
	}
	require.NoError(t, rows.Err())
	checked := 0
	for _, o := range w.sim.Orders() {
		if o.LastUpdated.After(cutoff) {
			continue // may still be on its way
		}
		so, inSage := sage[o.ID]
		switch {
		case o.Status == simulator.StatusPending:
			if inSage {
				p.addf("pending order %s is in Sage", o.ID)
			}
		case o.FulfilledBy == simulator.FulfilledByAmazon && o.Status != simulator.StatusShipped && o.Status != simulator.StatusCancelled:
			if inSage {
				p.addf("FBA order %s is in Sage before Amazon shipped it (%s)", o.ID, o.Status)
			}
		case o.Status == simulator.StatusCancelled:
			if inSage && so.status != 3 && so.status != 4 {
				p.addf("cancelled order %s: Sage status %d, want 3 or 4", o.ID, so.status)
			}
		case !inSage:
			p.addf("order %s (%s, %s) is not in Sage", o.ID, o.Status, o.MarketplaceID)
		case o.Total().String() != money(so.total):
			p.addf("order %s: Sage's total %s, Amazon's %s", o.ID, money(so.total), o.Total())
		default:
			checked++
		}
	}
	return checked
}

// sageTime reads a Sage datetime (a wall-clock time without a zone, which
// the driver labels UTC) in the reference connection's zone, loc.
func sageTime(c time.Time, loc *time.Location) time.Time {
	return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), loc)
}

// checkShipments: every shipment of a merchant-fulfilled order the demo
// warehouse made before cutoff is confirmed on Amazon exactly once, with
// the carrier code the table gives its ship method.
func (w *world) checkShipments(p *problems, cutoff time.Time) int {
	t := w.t
	codes := map[string]string{} // the table is case-insensitive
	for method, c := range readCarriers(t) {
		codes[strings.ToUpper(method)] = c.code
	}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	rows, err := w.db().Query(`SELECT DISTINCT s.ShipKey, m.ShipMethID, x.AmazonOrderId, x.FulfillmentChannel, s.CreateDate
		FROM tsoShipment s JOIN tciShipMethod m ON m.ShipMethKey = s.ShipMethKey
		JOIN tsoShipLine l ON l.ShipKey = s.ShipKey JOIN tsoSOLine sl ON sl.SOLineKey = l.SOLineKey
		JOIN tsoSalesOrder_ext x ON x.SOKey = sl.SOKey WHERE s.TranType = 810`)
	require.NoError(t, err)
	defer rows.Close()
	checked := 0
	for rows.Next() {
		var key int64
		var method, orderID, channel string
		var created time.Time
		require.NoError(t, rows.Scan(&key, &method, &orderID, &channel, &created))
		created = sageTime(created, ny)
		if channel != "merchant" || created.After(cutoff) {
			continue
		}
		o, ok := w.sim.Order(orderID)
		if !ok {
			p.addf("shipment %d: order %s is unknown to Amazon", key, orderID)
			continue
		}
		var found []simulator.Package
		for _, pk := range o.Packages {
			if pk.ReferenceID == fmt.Sprint(key) {
				found = append(found, pk)
			}
		}
		if o.Status == simulator.StatusCancelled && len(found) == 0 {
			continue // cancelled on Amazon before the confirmation: dead-lettered by Amazon's refusal
		}
		if len(found) != 1 {
			p.addf("shipment %d of order %s confirmed %d times, want once (order %s, packages %+v; shipment created %s, now %s)",
				key, orderID, len(found), o.Status, o.Packages, created, w.clock.Now())
			continue
		}
		want, listed := codes[strings.ToUpper(method)]
		if !listed {
			want = "Other"
		}
		if found[0].CarrierCode != want {
			p.addf("shipment %d (%s): carrier code %s, want %s", key, method, found[0].CarrierCode, want)
			continue
		}
		checked++
	}
	require.NoError(t, rows.Err())
	return checked
}

// checkPrices: every merchant listing on the price marketplace carries
// Sage's standard price.
func (w *world) checkPrices(p *problems) int {
	t := w.t
	prices := map[string]float64{}
	rows, err := w.db().Query(`SELECT ItemID, StdPrice FROM timItem`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id string
		var p float64
		require.NoError(t, rows.Scan(&id, &p))
		prices[id] = p
	}
	require.NoError(t, rows.Err())
	checked := 0
	for _, l := range w.sim.Listings() {
		want, ok := prices[l.SKU]
		if !ok {
			continue // an FBA or legacy listing SKU
		}
		switch got := listingPrice(l, "ATVPDKIKX0DER"); got {
		case "":
			p.addf("listing %s has no US price", l.SKU)
		case money(want):
			checked++
		default:
			p.addf("listing %s: price %s, Sage's %s", l.SKU, got, money(want))
		}
	}
	return checked
}

// listingPrice digs the our_price of a marketplace out of a listing's
// purchasable_offer attribute.
func listingPrice(l simulator.Listing, market string) string {
	offers, _ := l.Attributes["purchasable_offer"].([]any)
	for _, o := range offers {
		m, _ := o.(map[string]any)
		if m["marketplace_id"] != market {
			continue
		}
		ours, _ := m["our_price"].([]any)
		for _, p := range ours {
			sched, _ := p.(map[string]any)["schedule"].([]any)
			for _, s := range sched {
				v := s.(map[string]any)["value_with_tax"]
				if d, err := decimal.Parse(fmt.Sprint(v)); err == nil {
					return d.Round(2).Pad(2).String()
				}
			}
		}
	}
	return ""
}

// sageAvailability is the inventory flow's rule read from the database:
// on hand in the seller's own warehouses (not the FBA ones) less committed
// less the safety stock of 2, at least 0.
func (w *world) sageAvailability() map[string]int64 {
	t := w.t
	rows, err := w.db().Query(`SELECT i.ItemID,
		COALESCE((SELECT SUM(b.QtyOnHand - b.PendQtyDecrease) FROM timWhseBinInvt b JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey
			JOIN timWarehouse w ON w.WhseKey = wb.WhseKey WHERE b.ItemKey = i.ItemKey AND wb.ExclFromAvail = 0 AND w.WhseID NOT LIKE 'FBA%'), 0),
		COALESCE((SELECT SUM(d.QtyOpenToShip) FROM tsoSOLineDist d JOIN tsoSOLine l ON l.SOLineKey = d.SOLineKey WHERE l.ItemKey = i.ItemKey AND d.Status = 1), 0)
		FROM timItem i`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var onHand, committed float64
		require.NoError(t, rows.Scan(&id, &onHand, &committed))
		out[id] = max(0, int64(onHand-committed)-2)
	}
	require.NoError(t, rows.Err())
	return out
}

// availabilitySeen records every availability of each item Sage had while
// it was sampled.
type availabilitySeen map[string]map[int64]bool

func (a availabilitySeen) sample(w *world) {
	for sku, n := range w.sageAvailability() {
		if a[sku] == nil {
			a[sku] = map[int64]bool{}
		}
		a[sku][n] = true
	}
}

// checkInventory: Sage's availability is sampled from now on; the quantity
// the last accepted feed sent for each merchant listing must be one Sage
// had since sampling began. (Amazon's own listing quantity also drops at
// once when a buyer orders, before the order is paid and reaches Sage, so
// the feeds are what to compare.) Sampling starts with a window longer than
// a feed cycle, and goes on while the check is repeated.
func (w *world) checkInventory(window time.Duration) int {
	seen := availabilitySeen{}
	end := w.clock.Now().Add(window)
	for w.clock.Now().Before(end) {
		seen.sample(w)
		w.runFor(time.Minute)
	}
	return w.settle("inventory", func(p *problems) int {
		seen.sample(w)
		sent := w.lastQuantitiesSent()
		checked := 0
		for sku, values := range seen {
			got, ok := sent[sku]
			switch {
			case !ok:
				p.addf("no feed ever sent a quantity for %s", sku)
			case !values[got]:
				p.addf("the last feed sent %d for %s; Sage's availability since sampling began: %v", got, sku, slices.Sorted(maps.Keys(values)))
			default:
				checked++
			}
		}
		return checked
	})
}

// lastQuantitiesSent reads every processed feed in order and returns the
// last DEFAULT fulfillment quantity sent for each SKU.
func (w *world) lastQuantitiesSent() map[string]int64 {
	sent := map[string]int64{}
	for _, f := range w.sim.Feeds() {
		if f.Status != "DONE" {
			continue
		}
		raw, ok := w.sim.Document(f.InputDocumentID)
		require.True(w.t, ok)
		var doc struct {
			Messages []struct {
				SKU     string `json:"sku"`
				Patches []struct {
					Path  string           `json:"path"`
					Value []map[string]any `json:"value"`
				} `json:"patches"`
			} `json:"messages"`
		}
		require.NoError(w.t, json.Unmarshal(raw, &doc))
		for _, m := range doc.Messages {
			for _, p := range m.Patches {
				if p.Path != "/attributes/fulfillment_availability" {
					continue
				}
				for _, v := range p.Value {
					if v["fulfillment_channel_code"] == "DEFAULT" {
						sent[m.SKU] = int64(v["quantity"].(float64))
					}
				}
			}
		}
	}
	return sent
}

// checkSettlements: each settlement report made before cutoff is one
// balanced journal in Sage whose net on the clearing account is the
// report's total, with nothing in suspense (the simulator writes refunds,
// reimbursements, transfers and the reserve, all of which the reference
// GL table maps).
func (w *world) checkSettlements(p *problems, cutoff time.Time) int {
	t := w.t
	checked := 0
	for _, r := range w.sim.Reports() {
		if r.Type != "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2" || r.DocumentID == "" || r.Created.After(cutoff) {
			continue
		}
		s := w.settlement(r.DocumentID)
		var n, suspense int
		var sum, clearing float64
		err := w.db().QueryRow(`SELECT COUNT(DISTINCT h.JrnlHdrKey), COALESCE(SUM(d.PostAmt), 0),
			COALESCE(SUM(CASE WHEN a.GLAcctNo = '1050' THEN d.PostAmt ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN a.GLAcctNo = '9999' THEN 1 ELSE 0 END), 0)
			FROM tglJournalHdr_ext x JOIN tglJournalHdr h ON h.JrnlHdrKey = x.JrnlHdrKey
			JOIN tglJournalDetl d ON d.JrnlHdrKey = h.JrnlHdrKey JOIN tglAccount a ON a.GLAcctKey = d.GLAcctKey
			WHERE x.SettlementId = ?`, s.ID).Scan(&n, &sum, &clearing, &suspense)
		require.NoError(t, err)
		if s.TotalAmount.IsZero() {
			continue // nothing to post
		}
		switch want := s.TotalAmount.Round(2).Pad(2).String(); {
		case n != 1:
			p.addf("settlement %s: %d journals, want 1", s.ID, n)
		case math.Abs(sum) > 0.0005:
			p.addf("settlement %s: debits and credits differ by %f", s.ID, sum)
		case money(clearing) != want:
			p.addf("settlement %s: clearing line %s, the report's total %s", s.ID, money(clearing), want)
		case suspense > 0:
			p.addf("settlement %s: %d lines in suspense", s.ID, suspense)
		default:
			checked++
		}
	}
	return checked
}

// settlement parses a report document the simulator made.
func (w *world) settlement(docID string) *settlement.Settlement {
	raw, ok := w.sim.Document(docID)
	require.True(w.t, ok, "document %s", docID)
	s, err := settlement.ParseBytes(raw, "text/plain; charset=utf-8")
	require.NoError(w.t, err)
	return s
}
