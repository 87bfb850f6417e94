package spapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/engine/component"
)

// Lookup calls a query of the queries option for the lookup step, through
// the connection's client and rate limiter, and returns the response body
// in the message value model, or the part of it at the query's result
// pointer (nil when absent). HTTP 404 means nothing was found: nil. Other
// errors are classified as the client does (429, 5xx and timeouts
// retryable, other 4xx permanent). @seller_id is the connection's seller.
func (c *Connection) Lookup(ctx context.Context, query string, params map[string]any) (any, error) {
	q, ok := c.queries[query]
	if !ok {
		return nil, component.Permanentf("spapi: no query %q", query)
	}
	api := c.api()
	if api == nil {
		return nil, errors.New("spapi connection not started")
	}
	req, err := q.request(func(name string) (any, bool) {
		if name == paramSellerID {
			return c.SellerID(), true
		}
		v, ok := params[name]
		return v, ok
	})
	if err != nil {
		return nil, component.Permanentf("spapi lookup %s: %v", query, err)
	}
	resp, err := api.Do(ctx, req)
	var apiErr *client.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("spapi lookup %s: %w", query, err)
	}
	v, err := resp.Value()
	if err != nil {
		// A 2xx body that does not parse was cut short on the way.
		return nil, component.Retryable(fmt.Errorf("spapi lookup %s: %w", query, err))
	}
	return q.result.Resolve(v), nil
}
