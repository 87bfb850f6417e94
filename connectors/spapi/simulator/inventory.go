package simulator

import (
	"slices"
	"sort"
	"time"
)

// FBA Inventory API v1: getInventorySummaries, 50 summaries a page, its
// nextToken expiring 30 seconds after issue as Amazon's does.

const (
	inventoryPage     = 50
	inventoryTokenTTL = 30 * time.Second
)

type inventoryCursor struct {
	Marketplace string    `json:"m"`
	SKUs        []string  `json:"s,omitempty"`
	Since       time.Time `json:"a"`
	Details     bool      `json:"d,omitempty"`
	Offset      int       `json:"o"`
	Issued      time.Time `json:"i"`
}

type inventorySummaryJSON struct {
	ASIN             string                `json:"asin"`
	FnSKU            string                `json:"fnSku"`
	SellerSKU        string                `json:"sellerSku"`
	Condition        string                `json:"condition"`
	InventoryDetails *inventoryDetailsJSON `json:"inventoryDetails,omitempty"`
	LastUpdatedTime  string                `json:"lastUpdatedTime"`
	ProductName      string                `json:"productName"`
	TotalQuantity    int                   `json:"totalQuantity"`
	Stores           []string              `json:"stores"`
}

type inventoryDetailsJSON struct {
	FulfillableQuantity      int            `json:"fulfillableQuantity"`
	InboundWorkingQuantity   int            `json:"inboundWorkingQuantity"`
	InboundShippedQuantity   int            `json:"inboundShippedQuantity"`
	InboundReceivingQuantity int            `json:"inboundReceivingQuantity"`
	ReservedQuantity         reservedJSON   `json:"reservedQuantity"`
	ResearchingQuantity      map[string]any `json:"researchingQuantity"`
	UnfulfillableQuantity    map[string]int `json:"unfulfillableQuantity"`
}

type reservedJSON struct {
	Total            int `json:"totalReservedQuantity"`
	PendingCustomer  int `json:"pendingCustomerOrderQuantity"`
	PendingTransship int `json:"pendingTransshipmentQuantity"`
	FCProcessing     int `json:"fcProcessingQuantity"`
}

func (s *Server) getInventorySummaries(c *call) response {
	cur, msg := s.inventoryCursor(c)
	if msg != "" {
		return invalidInput("%s", msg)
	}
	var items []*fbaItem
	for _, f := range s.fbaStock {
		if f.marketplaceID == cur.Marketplace && !f.updated.Before(cur.Since) && (len(cur.SKUs) == 0 || slices.Contains(cur.SKUs, f.sku)) {
			items = append(items, f)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].sku < items[j].sku })
	resp := struct {
		Payload struct {
			Granularity struct {
				Type string `json:"granularityType"`
				ID   string `json:"granularityId"`
			} `json:"granularity"`
			Summaries []inventorySummaryJSON `json:"inventorySummaries"`
		} `json:"payload"`
		Pagination *paginationJSON `json:"pagination,omitempty"`
	}{}
	resp.Payload.Granularity.Type, resp.Payload.Granularity.ID = "Marketplace", cur.Marketplace
	resp.Payload.Summaries = []inventorySummaryJSON{}
	end := min(cur.Offset+inventoryPage, len(items))
	reserved := s.reservedFBA(cur.Marketplace)
	for _, f := range items[min(cur.Offset, end):end] {
		resp.Payload.Summaries = append(resp.Payload.Summaries, s.inventorySummary(f, reserved[f.sku], cur.Details))
	}
	if end < len(items) {
		cur.Offset, cur.Issued = end, c.now
		resp.Pagination = &paginationJSON{NextToken: s.encodeToken(cur)}
	}
	return ok(resp)
}

// inventoryCursor reads the request, or resumes from nextToken.
func (s *Server) inventoryCursor(c *call) (inventoryCursor, string) {
	var cur inventoryCursor
	mkts := c.list("marketplaceIds")
	id := c.query.Get("granularityId")
	if len(mkts) != 1 || mkts[0] != id || !s.cfg.sells(id) {
		return cur, "granularityId and marketplaceIds must name the same marketplace, one the seller sells on."
	}
	if token := c.query.Get("nextToken"); token != "" {
		if err := s.decodeToken(token, &cur); err != nil || expired(cur.Issued, c.now, inventoryTokenTTL) || cur.Marketplace != id {
			return cur, errBadToken.Error() + "."
		}
		return cur, ""
	}
	since, _, msg := c.timeParam("startDateTime")
	cur = inventoryCursor{Marketplace: id, SKUs: c.list("sellerSkus"), Since: since, Details: c.query.Get("details") == "true"}
	if sku := c.query.Get("sellerSku"); sku != "" {
		cur.SKUs = append(cur.SKUs, sku)
	}
	return cur, msg
}

// reservedFBA counts, by SKU, the units of a marketplace's FBA orders not
// yet shipped (pending or unshipped): they are reserved for customer orders.
func (s *Server) reservedFBA(marketplaceID string) map[string]int {
	reserved := map[string]int{}
	for _, o := range s.orderList {
		if o.FulfilledBy == FulfilledByAmazon && o.MarketplaceID == marketplaceID && (o.Status == StatusPending || o.Status == StatusUnshipped) {
			for _, it := range o.Items {
				reserved[it.SKU] += it.Quantity
			}
		}
	}
	return reserved
}

// inventorySummary describes an SKU's FBA stock, reserved units of which
// are held for customer orders (see reservedFBA).
func (s *Server) inventorySummary(f *fbaItem, reserved int, details bool) inventorySummaryJSON {
	l := s.listings[f.sku]
	asin, title := "", f.sku
	if l != nil {
		asin, title = l.ASIN, l.Title
	}
	w := inventorySummaryJSON{
		ASIN: asin, FnSKU: "X00" + asin[min(3, len(asin)):], SellerSKU: f.sku, Condition: "NewItem",
		LastUpdatedTime: iso(f.updated), ProductName: title, TotalQuantity: f.fulfillable + reserved, Stores: []string{},
	}
	if details {
		w.InventoryDetails = &inventoryDetailsJSON{
			FulfillableQuantity: f.fulfillable,
			ReservedQuantity:    reservedJSON{Total: reserved, PendingCustomer: reserved},
			ResearchingQuantity: map[string]any{"totalResearchingQuantity": 0, "researchingQuantityBreakdown": []any{}},
			UnfulfillableQuantity: map[string]int{"totalUnfulfillableQuantity": 0, "customerDamagedQuantity": 0,
				"warehouseDamagedQuantity": 0, "distributorDamagedQuantity": 0, "carrierDamagedQuantity": 0,
				"defectiveQuantity": 0, "expiredQuantity": 0},
		}
	}
	return w
}
