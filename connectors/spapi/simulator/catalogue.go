package simulator

import (
	"math/rand/v2"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/internal/demo"
)

// Listing is a seller's listing: an SKU and its attribute data in the
// engine's JSON value model (decimals for prices, int64 for quantities), as
// the Listings Items API and JSON_LISTINGS_FEED see it.
type Listing struct {
	SKU         string
	ASIN        string
	ProductType string
	Title       string
	Created     time.Time
	Updated     time.Time
	Attributes  map[string]any
}

// fbaItem is an SKU's stock in Amazon's fulfillment centres for one
// marketplace.
type fbaItem struct {
	sku, marketplaceID string
	fulfillable        int
	updated            time.Time
}

// seedCatalogue lists every demo product on every marketplace, with the
// catalogue's price and the demo database's stock for merchant fulfilment,
// and gives each some FBA stock.
func (s *Server) seedCatalogue() {
	rng := rand.New(rand.NewPCG(uint64(s.cfg.Seed), 5))
	for _, p := range demo.Products {
		var offers []any
		for _, m := range s.cfg.marketplaces() {
			offers = append(offers, offer(m.ID, m.Currency, decimal.MustParse(p.Price)))
			s.fbaStock[fbaKey(m.ID, p.SellerSKU)] = &fbaItem{sku: p.SellerSKU, marketplaceID: m.ID, fulfillable: rng.IntN(150), updated: s.started}
		}
		s.listings[p.SellerSKU] = &Listing{
			SKU: p.SellerSKU, ASIN: p.ASIN, ProductType: "PRODUCT", Title: p.Title, Created: s.started, Updated: s.started,
			Attributes: map[string]any{
				"item_name":                []any{map[string]any{"value": p.Title, "language_tag": "en_US"}},
				"condition_type":           []any{map[string]any{"value": "new_new"}},
				"fulfillment_availability": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": int64(p.Stock)}},
				"purchasable_offer":        offers,
			},
		}
	}
}

// offer builds a purchasable_offer entry for the normal (ALL) audience.
func offer(marketplaceID, currency string, price decimal.Decimal) map[string]any {
	return map[string]any{
		"marketplace_id": marketplaceID, "currency": currency, "audience": "ALL",
		"our_price": []any{map[string]any{"schedule": []any{map[string]any{"value_with_tax": price}}}},
	}
}

func fbaKey(marketplaceID, sku string) string { return marketplaceID + "/" + sku }

// priceFor returns a product's current price on a marketplace: its listing's
// offer, which feeds and patches change, else the catalogue price.
func (s *Server) priceFor(p demo.Product, marketplaceID string) decimal.Decimal {
	if l := s.listings[p.SellerSKU]; l != nil {
		if e, ok := listedOffer(l, marketplaceID); ok {
			if price, ok := offerPrice(e); ok {
				return price.Pad(2)
			}
		}
	}
	return decimal.MustParse(p.Price)
}

// offerPrice reads our_price[0].schedule[0].value_with_tax.
func offerPrice(e map[string]any) (decimal.Decimal, bool) {
	prices := entries(e["our_price"])
	if len(prices) == 0 {
		return decimal.Decimal{}, false
	}
	schedule := entries(prices[0]["schedule"])
	if len(schedule) == 0 {
		return decimal.Decimal{}, false
	}
	return toDecimal(schedule[0]["value_with_tax"])
}

func audienceOf(e map[string]any) string {
	if a, ok := e["audience"].(string); ok {
		return a
	}
	return "ALL"
}

// reserveStock takes an order line's units out of the stock it ships from:
// the listing's merchant quantity, or FBA stock. Stock never goes below 0
// and an empty shelf does not stop the generator.
func (s *Server) reserveStock(o *Order, it OrderItem) {
	if o.FulfilledBy == FulfilledByAmazon {
		if f := s.fbaStock[fbaKey(o.MarketplaceID, it.SKU)]; f != nil {
			f.fulfillable = max(f.fulfillable-it.Quantity, 0)
			f.updated = o.Created
		}
		return
	}
	if l := s.listings[it.SKU]; l != nil {
		for _, e := range entries(l.Attributes["fulfillment_availability"]) {
			if q, ok := e["quantity"].(int64); ok && e["fulfillment_channel_code"] == "DEFAULT" {
				e["quantity"] = max(q-int64(it.Quantity), 0)
			}
		}
	}
}
