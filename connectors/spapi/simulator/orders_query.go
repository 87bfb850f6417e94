package simulator

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// stableAfter is Amazon's rule that the newest two minutes of orders are
// not yet stable: a "before" bound must be at least this far in the past.
const stableAfter = 2 * time.Minute

// orderParams names the order-listing parameters of one API version and
// maps its status and fulfillment values to the simulator's.
type orderParams struct {
	createdAfter, createdBefore, updatedAfter, updatedBefore string
	statuses, marketplaces, fulfilledBy                      string
	// pageSize, token and included name the paging parameters; included,
	// when set, is carried from page to page unless a page gives its own.
	pageSize, token, included string
	status                    func(string) []Status
	channel                   func(string) string
}

// filterNames lists the parameters that make up the filter.
func (p *orderParams) filterNames() []string {
	return []string{p.createdAfter, p.createdBefore, p.updatedAfter, p.updatedBefore, p.statuses, p.marketplaces, p.fulfilledBy}
}

// orderQuery is a parsed order listing: the time range on creation or last
// update, and the status, marketplace and fulfillment filters.
type orderQuery struct {
	ByCreated    bool      `json:"c,omitempty"`
	After        time.Time `json:"a"`
	Before       time.Time `json:"b"`
	Statuses     []Status  `json:"s,omitempty"`
	Marketplaces []string  `json:"m"`
	FulfilledBy  []string  `json:"f,omitempty"`
	// Raw holds the filter parameters as the first page's request gave them.
	Raw map[string]string `json:"r"`
}

// orderCursor is the state of a paginated order listing. Every page sees
// the orders as they were at AsOf, when the first page was asked for, so a
// token always gives the same page.
type orderCursor struct {
	Query    orderQuery `json:"q"`
	AsOf     time.Time  `json:"w"`
	Key      time.Time  `json:"k"`
	ID       string     `json:"i"`
	Issued   time.Time  `json:"t"`
	Included []string   `json:"d,omitempty"`
}

// parseOrderQuery reads and checks a listing's filter: exactly one of the
// created and last-updated ranges, never mixed, a "before" bound not after
// the "after" bound and at least two minutes before now (the default).
func (s *Server) parseOrderQuery(c *call, p *orderParams) (orderQuery, string) {
	q := orderQuery{Raw: map[string]string{}}
	for _, name := range p.filterNames() {
		if v := c.query[name]; len(v) > 0 {
			q.Raw[name] = strings.Join(queryList(v), ",")
		}
	}
	ca, hasCA, msg1 := c.timeParam(p.createdAfter)
	cb, hasCB, msg2 := c.timeParam(p.createdBefore)
	ua, hasUA, msg3 := c.timeParam(p.updatedAfter)
	ub, hasUB, msg4 := c.timeParam(p.updatedBefore)
	for _, m := range []string{msg1, msg2, msg3, msg4} {
		if m != "" {
			return q, m
		}
	}
	switch {
	case hasCA && (hasUA || hasUB), hasUA && (hasCA || hasCB), hasCB && hasUB:
		return q, fmt.Sprintf("%s/%s and %s/%s cannot be combined.", p.createdAfter, p.createdBefore, p.updatedAfter, p.updatedBefore)
	case !hasCA && !hasUA:
		return q, fmt.Sprintf("Exactly one of %s and %s is required.", p.createdAfter, p.updatedAfter)
	}
	q.ByCreated, q.After, q.Before = hasCA, ua, ub
	afterName, beforeName, hasBefore := p.updatedAfter, p.updatedBefore, hasUB
	if hasCA {
		q.After, q.Before, afterName, beforeName, hasBefore = ca, cb, p.createdAfter, p.createdBefore, hasCB
	}
	latest := c.now.Add(-stableAfter)
	switch {
	case !hasBefore:
		q.Before = latest
	case q.Before.After(latest):
		return q, fmt.Sprintf("%s must be at least two minutes before the time of the request.", beforeName)
	case q.Before.Before(q.After):
		return q, fmt.Sprintf("%s must be equal to or after %s.", beforeName, afterName)
	}
	for _, v := range c.list(p.statuses) {
		q.Statuses = append(q.Statuses, p.status(v)...)
	}
	for _, v := range c.list(p.fulfilledBy) {
		q.FulfilledBy = append(q.FulfilledBy, p.channel(v))
	}
	q.Marketplaces = c.list(p.marketplaces)
	for _, id := range q.Marketplaces {
		if !s.cfg.sells(id) {
			return q, fmt.Sprintf("Invalid marketplace id %s: the seller does not sell there.", id)
		}
	}
	if len(q.Marketplaces) == 0 {
		for _, m := range s.cfg.marketplaces() {
			q.Marketplaces = append(q.Marketplaces, m.ID)
		}
	}
	return q, ""
}

// resumeOrderQuery decodes a pagination token. Filter parameters given
// beside it must be those of the first page.
func (s *Server) resumeOrderQuery(c *call, p *orderParams, token string) (orderCursor, string) {
	var cur orderCursor
	if err := s.decodeToken(token, &cur); err != nil || expired(cur.Issued, c.now, 24*time.Hour) {
		return cur, errBadToken.Error() + "."
	}
	for _, name := range p.filterNames() {
		if v := c.query[name]; len(v) > 0 && strings.Join(queryList(v), ",") != cur.Query.Raw[name] {
			return cur, fmt.Sprintf("%s differs from the request that issued the pagination token.", name)
		}
	}
	return cur, ""
}

// hit is an order in a listing, with its position as of the listing's time.
type hit struct {
	o   *Order
	key time.Time
}

// match returns an order's position in the listing as of asOf, or false.
func (q *orderQuery) match(o *Order, asOf time.Time) (time.Time, bool) {
	updated, status, ok := o.asOf(asOf)
	key := updated
	if q.ByCreated {
		key = o.Created
	}
	return key, ok && !key.Before(q.After) && !key.After(q.Before) &&
		slices.Contains(q.Marketplaces, o.MarketplaceID) &&
		(len(q.Statuses) == 0 || slices.Contains(q.Statuses, status)) &&
		(len(q.FulfilledBy) == 0 || slices.Contains(q.FulfilledBy, o.FulfilledBy))
}

// page returns up to size orders of the listing after the cursor's position,
// in (key, id) order, and whether more follow. The caller holds s.mu.
func (s *Server) page(cur orderCursor, size int) ([]hit, bool) {
	var hits []hit
	for _, o := range s.orderList {
		k, ok := cur.Query.match(o, cur.AsOf)
		if ok && (cur.ID == "" || k.After(cur.Key) || (k.Equal(cur.Key) && o.ID > cur.ID)) {
			hits = append(hits, hit{o: o, key: k})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := a.key.Compare(b.key); c != 0 {
			return c
		}
		return strings.Compare(a.o.ID, b.o.ID)
	})
	if len(hits) > size {
		return hits[:size], true
	}
	return hits, false
}

// orderPage answers a listing request: it starts the listing from the
// request's filter or resumes it from its pagination token, and returns the
// page and the token of the next one ("" on the last page), or the 400
// message.
func (s *Server) orderPage(c *call, p *orderParams) (cur orderCursor, hits []hit, next, msg string) {
	size, msg := c.intParam(p.pageSize, 100, 1, 100)
	if msg != "" {
		return cur, nil, "", msg
	}
	if token := c.query.Get(p.token); token != "" {
		cur, msg = s.resumeOrderQuery(c, p, token)
	} else {
		cur.Query, msg = s.parseOrderQuery(c, p)
		cur.AsOf = c.now
	}
	if msg != "" {
		return cur, nil, "", msg
	}
	if inc := c.list(p.included); p.included != "" && len(inc) > 0 {
		cur.Included = inc
	}
	hits, more := s.page(cur, size)
	if more {
		last := hits[len(hits)-1]
		next := cur
		next.Key, next.ID, next.Issued = last.key, last.o.ID, c.now
		return cur, hits, s.encodeToken(next), ""
	}
	return cur, hits, "", ""
}
