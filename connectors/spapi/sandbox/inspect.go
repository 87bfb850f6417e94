package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// Inspection and control, for tests and the demo. Every method first lets
// the world catch up with the clock and returns copies.

// Orders returns every order, oldest first.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]Order, len(s.orderList))
	for i, o := range s.orderList {
		out[i] = o.clone()
	}
	return out
}

// Order returns one order.
func (s *Server) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	o := s.orders[id]
	if o == nil {
		return Order{}, false
	}
	return o.clone(), true
}

// Confirmations returns the packages shipped for an order, in order.
func (s *Server) Confirmations(orderID string) []Package {
	o, _ := s.Order(orderID)
	return o.Packages
}

// CreateOrder adds an order now, outside the generator: the spec's fields,
// the rest drawn at random (from a source of its own, so the generator's
// orders stay the same). It starts in spec.Status (default UNSHIPPED) and
// changes only through the API. It raises an ORDER_CHANGE notification.
func (s *Server) CreateOrder(spec OrderSpec) (Order, error) {
	if spec.MarketplaceID != "" && !s.cfg.sells(spec.MarketplaceID) {
		return Order{}, fmt.Errorf("creating order: marketplace %q is not one the seller sells on", spec.MarketplaceID)
	}
	if f := spec.FulfilledBy; f != "" && f != FulfilledByAmazon && f != FulfilledByMerchant {
		return Order{}, fmt.Errorf("creating order: fulfilledBy %q: want %s or %s", f, FulfilledByAmazon, FulfilledByMerchant)
	}
	switch spec.Status {
	case "":
		spec.Status = StatusUnshipped
	case StatusPending, StatusUnshipped, StatusCancelled:
	default:
		return Order{}, fmt.Errorf("creating order: status %q: want PENDING, UNSHIPPED or CANCELLED", spec.Status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	o := s.buildOrder(s.manualRNG, now.Truncate(time.Millisecond), spec)
	o.Status = spec.Status
	s.addOrder(o)
	return o.clone(), nil
}

// Listings returns every listing, by SKU.
func (s *Server) Listings() []Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]Listing, 0, len(s.listings))
	for _, sku := range slices.Sorted(maps.Keys(s.listings)) {
		out = append(out, s.listings[sku].clone())
	}
	return out
}

// Listing returns the listing of an SKU.
func (s *Server) Listing(sku string) (Listing, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	l := s.listings[sku]
	if l == nil {
		return Listing{}, false
	}
	return l.clone(), true
}

func (l *Listing) clone() Listing {
	c := *l
	c.Attributes = cloneAttributes(l.Attributes)
	return c
}

// Feeds returns every feed, oldest first.
func (s *Server) Feeds() []Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]Feed, len(s.feedList))
	for i, f := range s.feedList {
		out[i] = *f
		out[i].MarketplaceIDs = slices.Clone(f.MarketplaceIDs)
	}
	return out
}

// Reports returns every report, oldest first.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]Report, len(s.reports))
	for i, r := range s.reports {
		out[i] = *r
		out[i].MarketplaceIDs = slices.Clone(r.MarketplaceIDs)
	}
	return out
}

// Notifications returns every ORDER_CHANGE notification raised, oldest
// first, with its delivery state.
func (s *Server) Notifications() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]Notification, len(s.notes))
	for i, n := range s.notes {
		out[i] = *n
	}
	return out
}

// Stats returns the call counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Calls: maps.Clone(s.stats.Calls), Throttled: maps.Clone(s.stats.Throttled)}
}

// Operations returns the names of the SP-API operations the simulator
// serves, as models.LookupOperation names them, sorted.
func (s *Server) Operations() []string {
	names := make([]string, len(s.ops))
	for i, op := range s.ops {
		names[i] = op.Name
	}
	sort.Strings(names)
	return names
}
