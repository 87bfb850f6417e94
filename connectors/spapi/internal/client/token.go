package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/spapi/internal/lwa"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// grantless maps the operations that act on the application rather than a
// seller to the LWA scope of their client-credentials token.
var grantless = map[string]string{
	"notifications/v1/createDestination":                   "sellingpartnerapi::notifications",
	"notifications/v1/getDestinations":                     "sellingpartnerapi::notifications",
	"notifications/v1/getDestination":                      "sellingpartnerapi::notifications",
	"notifications/v1/deleteDestination":                   "sellingpartnerapi::notifications",
	"notifications/v1/getSubscriptionById":                 "sellingpartnerapi::notifications",
	"notifications/v1/deleteSubscriptionById":              "sellingpartnerapi::notifications",
	"application/2023-11-30/rotateApplicationClientSecret": "sellingpartnerapi::client_credential:rotation",
}

// restricted maps the operations that return personal data, and so need a
// restricted data token, to the dataElements to request for them (nil when
// the operation takes none).
var restricted = map[string][]string{
	"orders/v0/getOrders":              {"buyerInfo", "shippingAddress"},
	"orders/v0/getOrder":               {"buyerInfo", "shippingAddress"},
	"orders/v0/getOrderItems":          {"buyerInfo"},
	"orders/v0/getOrderAddress":        nil,
	"orders/v0/getOrderBuyerInfo":      nil,
	"orders/v0/getOrderItemsBuyerInfo": nil,
	"orders/v0/getOrderRegulatedInfo":  nil,
}

// lwaRetryDelay is how long a caller should wait after LWA rejected the
// credentials: a configuration problem the operator fixes, not bad data.
const lwaRetryDelay = time.Minute

// token returns the access token for a call of op and the function that
// drops it when the server rejects it.
func (c *Client) token(ctx context.Context, op *models.Operation) (string, func(string), error) {
	if elems, ok := restricted[op.QualifiedName()]; ok && c.cfg.RestrictedDataTokens {
		tok, err := c.rdt.Get(ctx, op.Method+" "+op.Path, func(ctx context.Context) (string, time.Duration, error) {
			return c.createRDT(ctx, op, elems)
		})
		return tok, c.rdt.Invalidate, err
	}
	tok, err := c.cfg.Tokens.Token(ctx, grantless[op.QualifiedName()])
	if err != nil {
		var le *lwa.Error
		if errors.As(err, &le) && le.Temporary() {
			return "", nil, httpretry.Again(err)
		}
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		return "", nil, component.RetryableAfter(err, lwaRetryDelay)
	}
	return tok, c.cfg.Tokens.Invalidate, nil
}

// createRDT asks the Tokens API for a restricted data token covering op's
// generic path (e.g. /orders/v0/orders/{orderId}/address), reusable for
// any order while it lives.
func (c *Client) createRDT(ctx context.Context, op *models.Operation, elems []string) (string, time.Duration, error) {
	resource := map[string]any{"method": op.Method, "path": op.Path}
	if len(elems) > 0 {
		resource["dataElements"] = elems
	}
	body, err := json.Marshal(map[string]any{"restrictedResources": []any{resource}})
	if err != nil {
		return "", 0, err
	}
	resp, err := c.Do(ctx, &Request{Operation: models.MustLookupOperation("createRestrictedDataToken"), Body: body})
	if err != nil {
		return "", 0, fmt.Errorf("restricted data token for %s: %w", op.Name, err)
	}
	var out struct {
		Token     string `json:"restrictedDataToken"`
		ExpiresIn int64  `json:"expiresIn"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.Token == "" {
		return "", 0, component.Permanentf("restricted data token for %s: response without a token", op.Name)
	}
	return out.Token, time.Duration(out.ExpiresIn) * time.Second, nil
}
