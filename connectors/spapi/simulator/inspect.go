package simulator

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"time"
)

// Inspection and control, for tests and the demo. Every method first lets
// the world catch up with the clock and returns copies.

// snapshot copies a list of the world's things once it has caught up with
// the clock.
func snapshot[T any](s *Server, list func() []*T, clone func(*T) T) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	items := list()
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = clone(it)
	}
	return out
}

// Orders returns every order, oldest first.
func (s *Server) Orders() []Order {
	return snapshot(s, func() []*Order { return s.orderList }, (*Order).clone)
}

// one copies a thing of the world once it has caught up with the clock.
func one[T any](s *Server, get func() *T, clone func(*T) T) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	if it := get(); it != nil {
		return clone(it), true
	}
	var none T
	return none, false
}

// Order returns one order.
func (s *Server) Order(id string) (Order, bool) {
	return one(s, func() *Order { return s.orders[id] }, (*Order).clone)
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
	return one(s, func() *Listing { return s.listings[sku] }, (*Listing).clone)
}

func (l *Listing) clone() Listing {
	c := *l
	c.Attributes = cloneAttributes(l.Attributes)
	return c
}

// Feeds returns every feed, oldest first.
func (s *Server) Feeds() []Feed {
	return snapshot(s, func() []*Feed { return s.feedList }, func(f *Feed) Feed {
		c := *f
		c.MarketplaceIDs = slices.Clone(f.MarketplaceIDs)
		return c
	})
}

// Reports returns every report, oldest first.
func (s *Server) Reports() []Report {
	return snapshot(s, func() []*Report { return s.reports }, func(r *Report) Report {
		c := *r
		c.MarketplaceIDs = slices.Clone(r.MarketplaceIDs)
		return c
	})
}

// Notifications returns every notification raised (ORDER_CHANGE, and
// FULFILLMENT_ORDER_STATUS: Type), oldest first, with its delivery state.
func (s *Server) Notifications() []Notification {
	return s.notificationsOf("ORDER_CHANGE")
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

// Document returns a document's content, uncompressed (a report the
// simulator made, or a feed that was uploaded), without a call: tests
// inspect reports without spending the seller's quota.
func (s *Server) Document(id string) ([]byte, bool) {
	s.mu.Lock()
	doc := s.readable(id)
	if doc == nil {
		s.mu.Unlock()
		return nil, false
	}
	// An upload replaces data under the lock; the bytes themselves are
	// never changed, so they can be read after it.
	data, gzipped := doc.data, doc.gzipped
	s.mu.Unlock()
	if !gzipped {
		return append([]byte(nil), data...), true
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	content, err := io.ReadAll(zr)
	return content, err == nil
}
