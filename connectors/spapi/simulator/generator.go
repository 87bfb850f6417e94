package simulator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/internal/demo"
)

// OrderSpec describes an order for CreateOrder. Zero fields are drawn at
// random, like the generator's.
type OrderSpec struct {
	MarketplaceID string
	// FulfilledBy is FulfilledByAmazon or FulfilledByMerchant.
	FulfilledBy string
	// Status is the order's status; the default is StatusUnshipped.
	Status Status
	Items  []ItemSpec
}

// ItemSpec is a line of an OrderSpec. An SKU outside the catalogue is
// allowed (to test unknown SKUs); Quantity 0 means 1.
type ItemSpec struct {
	SKU      string
	Quantity int
}

var orderIDPrefixes = map[string][]string{
	"US": {"111", "112", "113", "114"},
	"CA": {"701", "702"},
	"GB": {"202", "203", "204", "206"},
	"DE": {"302", "303", "304", "305", "306"},
}

// buildOrder draws an order created at at. Every random choice comes from
// rng in a fixed order, so a seed gives the same orders.
func (s *Server) buildOrder(rng *rand.Rand, at time.Time, spec OrderSpec) *Order {
	m := s.pickMarketplace(rng, spec.MarketplaceID)
	o := &Order{
		ID: s.newOrderID(rng, m.Country), MarketplaceID: m.ID, Currency: m.Currency,
		Created: at, LastUpdated: at, Status: StatusPending, FulfilledBy: spec.FulfilledBy,
		TaxIncluded: vatRates[m.Country] != "",
	}
	if o.FulfilledBy == "" {
		o.FulfilledBy = pick(rng, 0.35, FulfilledByAmazon, FulfilledByMerchant)
	}
	pl := places[m.Country][rng.IntN(len(places[m.Country]))]
	o.Buyer, o.ShipTo = person(rng, m, pl)
	s.pickService(rng, o)
	rate := decimal.MustParse(pl.TaxRate + vatRates[m.Country])
	for i, sp := range s.pickItems(rng, spec.Items) {
		o.Items = append(o.Items, s.buildItem(rng, o, sp, i, rate))
	}
	if rng.Float64() < 0.15 {
		for i := range o.Items {
			it := &o.Items[i]
			if it.Shipping.IsPos() {
				it.ShippingPromotion = it.Shipping
				it.ShippingTax = zero
				it.PromotionIDs = append(it.PromotionIDs, "FREE-SHIPPING-OVER-25")
			}
		}
	}
	o.ShipBy = Window{Earliest: at, Latest: at.Add(48 * time.Hour)}
	o.DeliverBy = Window{Earliest: at.Add(72 * time.Hour), Latest: at.Add(7 * 24 * time.Hour)}
	return o
}

func (s *Server) pickMarketplace(rng *rand.Rand, id string) demo.Marketplace {
	if m, ok := marketplaceByID(id); ok {
		return m
	}
	ms := s.cfg.marketplaces()
	return ms[rng.IntN(len(ms))]
}

func (s *Server) newOrderID(rng *rand.Rand, country string) string {
	prefixes := orderIDPrefixes[country]
	for {
		id := fmt.Sprintf("%s-%07d-%07d", prefixes[rng.IntN(len(prefixes))], rng.IntN(10_000_000), rng.IntN(10_000_000))
		if _, taken := s.orders[id]; !taken {
			return id
		}
	}
}

func (s *Server) pickService(rng *rand.Rand, o *Order) {
	if o.FulfilledBy == FulfilledByAmazon {
		o.ServiceLevel = pick(rng, 0.3, "SECOND_DAY", "STANDARD")
		if rng.Float64() < 0.7 {
			o.Programs = []string{"PRIME"}
		}
		return
	}
	o.ServiceLevel = pick(rng, 0.2, "EXPEDITED", "STANDARD")
}

// pickItems returns the order's lines: the spec's, or one to four distinct
// catalogue products (an unknown SKU at the configured fault rate).
func (s *Server) pickItems(rng *rand.Rand, want []ItemSpec) []ItemSpec {
	if len(want) > 0 {
		return want
	}
	n := 1
	if r := rng.Float64(); r >= 0.85 {
		n = 3 + rng.IntN(2)
	} else if r >= 0.55 {
		n = 2
	}
	perm := rng.Perm(len(demo.Products))
	items := make([]ItemSpec, n)
	for i := range items {
		items[i].SKU = demo.Products[perm[i]].SellerSKU
		if s.cfg.Faults.UnknownSKURate > 0 && rng.Float64() < s.cfg.Faults.UnknownSKURate {
			items[i].SKU = fmt.Sprintf("ZZ-%04d-XX", rng.IntN(10000))
		}
		switch r := rng.Float64(); {
		case r < 0.7:
			items[i].Quantity = 1
		case r < 0.85:
			items[i].Quantity = 2
		default:
			items[i].Quantity = 3 + rng.IntN(4)
		}
	}
	return items
}

// buildItem prices line i: the listing's current price, shipping by service
// level, a percentage promotion now and then, and tax at rate (added, or
// contained in the price where the marketplace includes VAT).
func (s *Server) buildItem(rng *rand.Rand, o *Order, sp ItemSpec, i int, rate decimal.Decimal) OrderItem {
	qty := max(sp.Quantity, 1)
	it := OrderItem{
		ID: fmt.Sprintf("%014d", rng.Int64N(1e14)), SKU: sp.SKU, Quantity: qty,
		ASIN: "B0ZZ" + strings.ToUpper(fmt.Sprintf("%06x", rng.IntN(1<<24))), Title: "Unlisted product " + sp.SKU,
		UnitPrice: cents(999 + rng.Int64N(5000)),
	}
	if p, ok := productBySKU(sp.SKU); ok {
		it.ASIN, it.Title = p.ASIN, p.Title
		it.UnitPrice = s.priceFor(p, o.MarketplaceID)
	}
	it.Shipping = shippingFor(o, qty)
	if rng.Float64() < 0.2 {
		pct := pick(rng, 0.5, "0.10", "0.15")
		it.Promotion = share(it.Principal(), decimal.MustParse(pct))
		it.PromotionIDs = []string{fmt.Sprintf("PLM-%s-%d", strings.TrimPrefix(pct, "0."), i+1)}
	}
	net, shipNet := sub(it.Principal(), it.Promotion), sub(it.Shipping, it.ShippingPromotion)
	if o.TaxIncluded {
		it.Tax, it.ShippingTax = includedTax(net, rate), includedTax(shipNet, rate)
	} else {
		it.Tax, it.ShippingTax = share(net, rate), share(shipNet, rate)
	}
	return it
}

// shippingFor is what the buyer pays for shipping a line of qty units.
func shippingFor(o *Order, qty int) decimal.Decimal {
	switch {
	case o.FulfilledBy == FulfilledByAmazon && len(o.Programs) > 0:
		return zero
	case o.FulfilledBy == FulfilledByAmazon:
		return cents(299)
	case o.ServiceLevel == "EXPEDITED":
		return sum(cents(799), times(cents(249), qty-1))
	}
	return sum(cents(399), times(cents(129), qty-1))
}

func person(rng *rand.Rand, m demo.Marketplace, pl place) (Buyer, Address) {
	name := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
	st := streetsByCountry[m.Country]
	a := Address{
		Name: name, Company: companies[rng.IntN(len(companies))],
		Line1: st.Line1[rng.IntN(len(st.Line1))], Line2: st.Line2[rng.IntN(len(st.Line2))],
		City: pl.City, State: pl.State, PostalCode: pl.PostalCode, CountryCode: m.Country, Phone: pl.Phone,
		AddressType: "RESIDENTIAL",
	}
	if a.Company != "" {
		a.AddressType = "COMMERCIAL"
	}
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	var email [15]byte
	for i := range email {
		email[i] = letters[rng.IntN(len(letters))]
	}
	domain := strings.ToLower(strings.TrimPrefix(m.Name, "Amazon."))
	return Buyer{Name: name, Email: string(email[:]) + "@marketplace.amazon." + domain}, a
}

// pick returns a with probability p, else b.
func pick(rng *rand.Rand, p float64, a, b string) string {
	if rng.Float64() < p {
		return a
	}
	return b
}

func productBySKU(sku string) (demo.Product, bool) {
	for _, p := range demo.Products {
		if p.SellerSKU == sku {
			return p, true
		}
	}
	return demo.Product{}, false
}
