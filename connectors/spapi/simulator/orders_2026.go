package simulator

import "strings"

// Orders API v2026-01-01: searchOrders and getOrder.

var params2026 = &orderParams{
	createdAfter: "createdAfter", createdBefore: "createdBefore",
	updatedAfter: "lastUpdatedAfter", updatedBefore: "lastUpdatedBefore",
	statuses: "fulfillmentStatuses", marketplaces: "marketplaceIds", fulfilledBy: "fulfilledBy",
	pageSize: "maxResultsPerPage", token: "paginationToken", included: "includedData",
	status:  func(v string) []Status { return []Status{Status(v)} },
	channel: func(v string) string { return v },
}

type searchOrdersResponse struct {
	Orders            []orderJSON     `json:"orders"`
	Pagination        *paginationJSON `json:"pagination,omitempty"`
	LastUpdatedBefore string          `json:"lastUpdatedBefore,omitempty"`
	CreatedBefore     string          `json:"createdBefore,omitempty"`
}

type paginationJSON struct {
	NextToken string `json:"nextToken"`
}

type getOrderResponse struct {
	Order orderJSON `json:"order"`
}

// searchOrders lists orders by creation or last update, oldest first, with
// stable pagination: a paginationToken carries the filter and the position,
// so every page of a listing uses the filter of the first.
func (s *Server) searchOrders(c *call) response {
	cur, hits, next, msg := s.orderPage(c, params2026)
	if msg != "" {
		return invalidInput("%s", msg)
	}
	resp := searchOrdersResponse{Orders: []orderJSON{}}
	for _, h := range hits {
		resp.Orders = append(resp.Orders, orderWire(h.o, cur.Included))
	}
	if next != "" {
		resp.Pagination = &paginationJSON{NextToken: next}
	}
	if cur.Query.ByCreated {
		resp.CreatedBefore = iso(cur.Query.Before)
	} else {
		resp.LastUpdatedBefore = iso(cur.Query.Before)
	}
	return ok(resp)
}

// getOrder returns one order with the includedData blocks asked for.
func (s *Server) getOrder(c *call) response {
	o := s.orders[c.pathValue("orderId")]
	if o == nil {
		return notFound("Order %s was not found.", c.pathValue("orderId"))
	}
	return ok(getOrderResponse{Order: orderWire(o, c.list("includedData"))})
}

// v0Status maps a v2026 status to Orders v0's.
func v0Status(st Status) string {
	switch st {
	case StatusPartiallyShipped:
		return "PartiallyShipped"
	case StatusCancelled:
		return "Canceled"
	}
	return strings.ToUpper(string(st[:1])) + strings.ToLower(string(st[1:]))
}

// v2026Statuses maps a v0 status filter value back.
func v2026Statuses(v string) []Status {
	for _, st := range []Status{StatusPending, StatusUnshipped, StatusPartiallyShipped, StatusShipped, StatusCancelled} {
		if v0Status(st) == v {
			return []Status{st}
		}
	}
	return []Status{Status("none:" + v)}
}
