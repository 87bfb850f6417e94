package simulator

import (
	"slices"
	"strings"
	"time"
)

// FBAStock is an SKU's stock in Amazon's fulfilment centres for one
// marketplace, as getInventorySummaries reports it.
type FBAStock struct {
	SKU, MarketplaceID string
	// Fulfillable units can be sold; Reserved ones are held for FBA orders
	// Amazon has not shipped yet.
	Fulfillable, Reserved int
	// Updated is when the stock last changed.
	Updated time.Time
}

// FBAInventory returns the FBA stock of every SKU in every marketplace, by
// marketplace and SKU.
func (s *Server) FBAInventory() []FBAStock {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	reserved := map[string]map[string]int{}
	out := make([]FBAStock, 0, len(s.fbaStock))
	for _, f := range s.fbaStock {
		r, ok := reserved[f.marketplaceID]
		if !ok {
			r = s.reservedFBA(f.marketplaceID)
			reserved[f.marketplaceID] = r
		}
		out = append(out, FBAStock{SKU: f.sku, MarketplaceID: f.marketplaceID, Fulfillable: f.fulfillable, Reserved: r[f.sku], Updated: f.updated})
	}
	slices.SortFunc(out, func(a, b FBAStock) int {
		return strings.Compare(a.MarketplaceID+"/"+a.SKU, b.MarketplaceID+"/"+b.SKU)
	})
	return out
}
