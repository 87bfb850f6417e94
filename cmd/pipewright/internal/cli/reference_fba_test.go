package cli_test

import (
	"encoding/csv"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// fbaLag is how long Sage may take to hold a change of Amazon's FBA stock
// (simulated time): stock changed more recently is not compared, as Amazon
// keeps changing it while the check runs and the newest changes are still
// on their way (notification push, getInventorySummaries, the sink). The
// notification flow usually brings a change within seconds; readings of
// one SKU written in the wrong order no longer matter (the sink ignores a
// reading older than the one it applied: AsOf), so the guarantee is the
// notification's delivery, not fba-reconcile's hourly read.
const fbaLag = 20 * time.Minute

// checkFBA runs the FBA checks and returns how many FBA orders and FBA
// item stocks they covered.
func (w *world) checkFBA(cutoff time.Time) (orders, stocks int) {
	warehouses := readFBAWarehouses(w.t)
	skus := readItemFBASKUs(w.t)
	orders = w.settle("fba orders", func(p *problems) int { return w.checkFBAOrders(p, cutoff, warehouses) })
	stocks = w.settle("fba stock", func(p *problems) int { return w.checkFBAStock(p, warehouses, skus) })
	return orders, stocks
}

// checkFBAOrders: every FBA order Amazon shipped before cutoff is one
// closed Sage order shipped in full from its marketplace's FBA warehouse,
// on one customer shipment (checkOrders checks it is there once, with
// Amazon's total, and that FBA orders Amazon has not shipped are not).
func (w *world) checkFBAOrders(p *problems, cutoff time.Time, warehouses map[string]string) int {
	type sageFBA struct {
		status               int
		whse                 string
		shipments, wrongDist int
	}
	sage := map[string]sageFBA{}
	rows, err := w.db().Query(`SELECT x.AmazonOrderId, o.Status, w.WhseID,
		(SELECT COUNT(DISTINCT s.ShipKey) FROM tsoShipment s JOIN tsoShipLine sl ON sl.ShipKey = s.ShipKey
			JOIN tsoSOLine l ON l.SOLineKey = sl.SOLineKey WHERE l.SOKey = o.SOKey AND s.TranType = 810 AND s.WhseKey = o.DfltWhseKey),
		(SELECT COUNT(*) FROM tsoSOLineDist d JOIN tsoSOLine l ON l.SOLineKey = d.SOLineKey
			WHERE l.SOKey = o.SOKey AND (d.WhseKey <> o.DfltWhseKey OR d.QtyShip <> d.QtyOrd OR d.QtyOpenToShip <> 0))
		FROM tsoSalesOrder o JOIN tsoSalesOrder_ext x ON x.SOKey = o.SOKey JOIN timWarehouse w ON w.WhseKey = o.DfltWhseKey
		WHERE x.FulfillmentChannel = 'amazon'`)
	require.NoError(w.t, err)
	defer rows.Close()
	for rows.Next() {
		var id string
		var so sageFBA
		require.NoError(w.t, rows.Scan(&id, &so.status, &so.whse, &so.shipments, &so.wrongDist))
		sage[id] = so
	}
	require.NoError(w.t, rows.Err())
	checked := 0
	for _, o := range w.sim.Orders() {
		if o.FulfilledBy != simulator.FulfilledByAmazon || o.Status != simulator.StatusShipped || o.LastUpdated.After(cutoff) {
			continue
		}
		so, ok := sage[o.ID]
		switch {
		case !ok:
			p.addf("FBA order %s shipped by Amazon is not in Sage", o.ID)
		case so.status != 4:
			p.addf("FBA order %s: Sage status %d, want 4 (closed)", o.ID, so.status)
		case so.whse != warehouses[o.MarketplaceID]:
			p.addf("FBA order %s: shipped from %s, want %s", o.ID, so.whse, warehouses[o.MarketplaceID])
		case so.shipments != 1 || so.wrongDist != 0:
			p.addf("FBA order %s: %d shipments from its warehouse (want 1), %d lines not shipped in full from it", o.ID, so.shipments, so.wrongDist)
		default:
			checked++
		}
	}
	return checked
}

// checkFBAStock: in every FBA warehouse, each item's on hand is Amazon's
// fulfillable plus reserved units of the item's FBA SKUs in the
// warehouse's marketplace (the FBA inventory flows' rule), for every item
// whose FBA stock has not changed in the last fbaLag.
func (w *world) checkFBAStock(p *problems, warehouses map[string]string, skus map[string][]string) int {
	amazon := map[string]map[string]simulator.FBAStock{} // marketplace -> SKU -> stock
	for _, s := range w.sim.FBAInventory() {
		if amazon[s.MarketplaceID] == nil {
			amazon[s.MarketplaceID] = map[string]simulator.FBAStock{}
		}
		amazon[s.MarketplaceID][s.SKU] = s
	}
	sage := map[[2]string]int64{}
	rows, err := w.db().Query(`SELECT w.WhseID, i.ItemID, CAST(b.QtyOnHand AS int) FROM timWhseBinInvt b
		JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey JOIN timWarehouse w ON w.WhseKey = wb.WhseKey
		JOIN timItem i ON i.ItemKey = b.ItemKey WHERE wb.DfltBin = 1`)
	require.NoError(w.t, err)
	defer rows.Close()
	for rows.Next() {
		var whse, item string
		var n int64
		require.NoError(w.t, rows.Scan(&whse, &item, &n))
		sage[[2]string{whse, item}] = n
	}
	require.NoError(w.t, rows.Err())
	recent := w.clock.Now().Add(-fbaLag)
	checked := 0
	for _, mkt := range slices.Sorted(maps.Keys(warehouses)) {
		whse := warehouses[mkt]
	items:
		for _, item := range w.itemIDs() {
			want := int64(0)
			for _, sku := range append([]string{item}, skus[item]...) {
				s := amazon[mkt][sku]
				if s.Updated.After(recent) {
					continue items // Sage may not have it yet
				}
				want += int64(s.Fulfillable + s.Reserved)
			}
			if got := sage[[2]string{whse, item}]; got != want {
				p.addf("item %s in %s: %d on hand in Sage, Amazon holds %d", item, whse, got, want)
				continue
			}
			checked++
		}
	}
	return checked
}

// itemIDs are the demo database's items.
func (w *world) itemIDs() []string {
	rows, err := w.db().Query(`SELECT ItemID FROM timItem ORDER BY ItemID`)
	require.NoError(w.t, err)
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		require.NoError(w.t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(w.t, rows.Err())
	return ids
}

// readFBAWarehouses reads tables/marketplaces.csv: marketplace -> FBA
// warehouse.
func readFBAWarehouses(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(referenceTablesDir, "marketplaces.csv"))
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	out := map[string]string{}
	for _, row := range rows[1:] {
		if whse := row[col["fba_warehouse"]]; whse != "" {
			out[row[col["marketplace_id"]]] = whse
		}
	}
	require.NotEmpty(t, out, "marketplaces.csv names FBA warehouses")
	return out
}

// readItemFBASKUs reads tables/item_fba_listings.yaml.
func readItemFBASKUs(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(referenceTablesDir, "item_fba_listings.yaml"))
	require.NoError(t, err)
	defer f.Close()
	skus, err := readItemListings(f)
	require.NoError(t, err)
	return skus
}

func TestReferenceListings_item_fba_listings_are_the_AFN_sku_overrides(t *testing.T) {
	f, err := os.Open(filepath.Join(referenceTablesDir, "sku_overrides.csv"))
	require.NoError(t, err)
	defer f.Close()
	overrides, err := readSKUOverrides(f)
	require.NoError(t, err)
	want := map[string][]string{}
	for _, o := range overrides {
		if o.channel == "AFN" {
			want[o.item] = append(want[o.item], o.sku)
		}
	}
	require.NotEmpty(t, want, "the reference directory shows an item with an FBA listing SKU")
	assert.Equal(t, want, readItemFBASKUs(t))
}
