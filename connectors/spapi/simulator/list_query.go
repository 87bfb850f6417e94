package simulator

import (
	"fmt"
	"slices"
	"time"
)

// listQuery is a getFeeds or getReports listing: types, statuses,
// marketplaces, a creation window, and the page reached. When paging, its
// nextToken must be the request's only parameter, as Amazon requires.
type listQuery struct {
	Types        []string  `json:"t"`
	Statuses     []string  `json:"s,omitempty"`
	Marketplaces []string  `json:"m,omitempty"`
	Since        time.Time `json:"a"`
	Until        time.Time `json:"b"`
	Size         int       `json:"n"`
	Offset       int       `json:"o"`
	Issued       time.Time `json:"i"`
}

// retention is how far back getFeeds and getReports look.
const retention = 90 * 24 * time.Hour

func (s *Server) listQueryOf(c *call, typesParam string) (listQuery, string) {
	var q listQuery
	if token := c.query.Get("nextToken"); token != "" {
		if len(c.query) > 1 {
			return q, "When nextToken is given it must be the only parameter."
		}
		if err := s.decodeToken(token, &q); err != nil || expired(q.Issued, c.now, 24*time.Hour) {
			return q, errBadToken.Error() + "."
		}
		return q, ""
	}
	q.Types, q.Statuses, q.Marketplaces = c.list(typesParam), c.list("processingStatuses"), c.list("marketplaceIds")
	if len(q.Types) == 0 {
		return q, fmt.Sprintf("%s is required unless nextToken is given.", typesParam)
	}
	size, msg := c.intParam("pageSize", 10, 1, 100)
	if msg != "" {
		return q, msg
	}
	q.Size = size
	since, hasSince, msg1 := c.timeParam("createdSince")
	until, hasUntil, msg2 := c.timeParam("createdUntil")
	if msg1+msg2 != "" {
		return q, msg1 + msg2
	}
	q.Since, q.Until = c.now.Add(-retention), c.now
	if hasSince {
		q.Since = since
	}
	if hasUntil {
		q.Until = until
	}
	if q.Since.Before(c.now.Add(-retention)) || q.Until.Before(q.Since) {
		return q, "createdSince must be within the last 90 days and not after createdUntil."
	}
	return q, ""
}

// keeps reports whether an item belongs to the listing.
func (q *listQuery) keeps(typ, status string, marketplaces []string, created time.Time) bool {
	return slices.Contains(q.Types, typ) &&
		(len(q.Statuses) == 0 || slices.Contains(q.Statuses, status)) &&
		(len(q.Marketplaces) == 0 || slices.ContainsFunc(marketplaces, func(m string) bool { return slices.Contains(q.Marketplaces, m) })) &&
		!created.Before(q.Since) && !created.After(q.Until)
}

// listed is a feed or a report, as getFeeds and getReports list them.
type listed interface {
	// fields returns the type, status, marketplaces and creation time.
	fields() (typ, status string, marketplaces []string, created time.Time)
	// wire returns the JSON shape.
	wire() any
}

// listResponse answers getFeeds or getReports: the items (oldest first)
// the listing keeps, newest first, a page under key, and nextToken when
// more follow.
func listResponse[T listed](s *Server, c *call, typesParam, key string, items []T) response {
	q, msg := s.listQueryOf(c, typesParam)
	if msg != "" {
		return invalidInput("%s", msg)
	}
	var hits []T
	for _, it := range slices.Backward(items) {
		if q.keeps(it.fields()) {
			hits = append(hits, it)
		}
	}
	from, to := min(q.Offset, len(hits)), min(q.Offset+q.Size, len(hits))
	page := []any{}
	for _, it := range hits[from:to] {
		page = append(page, it.wire())
	}
	body := map[string]any{key: page}
	if to < len(hits) {
		q.Offset, q.Issued = to, c.now
		body["nextToken"] = s.encodeToken(q)
	}
	return ok(body)
}
