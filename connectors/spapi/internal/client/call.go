package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// Response is a successful (2xx) answer.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	RequestID string
}

// Value decodes the body into the message value model (decimals exact).
func (r *Response) Value() (any, error) {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return nil, nil
	}
	v, err := component.DecodeJSON(r.Body)
	if err != nil {
		return nil, fmt.Errorf("decoding the response: %w", err)
	}
	return v, nil
}

// maxBody bounds what is read of one response.
const maxBody = 256 << 20

// fallbackPlan paces the few operations without a documented usage plan.
var fallbackPlan = ratelimit.Plan{Rate: 1, Burst: 1}

// Do calls the operation. Before each attempt it waits for a rate-limit
// token. 429, 408, 5xx and transport failures are retried with backoff up to
// Retry.MaxAttempts; then the error is returned marked
// component.RetryableAfter. Other 4xx answers are returned at once as a
// permanent *Error, as are requests that do not match the operation. A
// rejected token (403) is renewed and the call sent once more.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	path, query, err := req.target()
	if err != nil {
		return nil, component.Permanent(err)
	}
	op := req.Operation
	key, plan := c.bucket(req)
	renewed := false
	var resp *Response
	err = c.cfg.Retry.Do(ctx, c.cfg.Clock, func() error {
		waited, err := c.cfg.Limiter.Wait(ctx, key, plan)
		if err != nil {
			return err
		}
		c.metrics.waited(op.Name, waited)
		token, renew, err := c.token(ctx, op)
		if err != nil {
			return err
		}
		r, err := c.send(ctx, op, path, query, req, token)
		if err != nil {
			c.metrics.call(op.Name, 0)
			return httpretry.Again(err)
		}
		c.metrics.call(op.Name, r.Status)
		if r.Status < 300 {
			c.adapt(key, plan, r.Header)
			resp = r
			return nil
		}
		// A 429 needs no bucket correction: the refused attempt spent a
		// local token that the server kept, so the next attempt already
		// waits one refill longer than the server requires.
		apiErr := parseError(op.Name, r.Status, r.Header, r.Body)
		if r.Status == http.StatusForbidden && !renewed {
			renewed = true
			renew(token)
			return httpretry.Again(apiErr)
		}
		if apiErr.Retryable() {
			return httpretry.Again(apiErr)
		}
		return component.Permanent(apiErr)
	})
	return resp, err
}

func (c *Client) send(ctx context.Context, op *models.Operation, path, query string, req *Request, token string) (*Response, error) {
	u := c.cfg.Endpoint + path
	if query != "" {
		u += "?" + query
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	sendCtx := ctx
	if req.Detach {
		sendCtx = context.WithoutCancel(ctx)
	}
	hreq, err := http.NewRequestWithContext(sendCtx, op.Method, u, body)
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("x-amz-access-token", token)
	hreq.Header.Set("user-agent", c.cfg.UserAgent)
	hreq.Header.Set("x-amz-date", c.cfg.Clock.Now().UTC().Format("20060102T150405Z"))
	hreq.Header.Set("accept", "application/json")
	if req.Body != nil {
		hreq.Header.Set("content-type", "application/json")
	}
	for k, v := range req.Header {
		hreq.Header.Set(k, v)
	}
	start := time.Now()
	hresp, err := c.cfg.HTTP.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Name, httpretry.RedactURL(err))
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the response: %w", op.Name, err)
	}
	r := &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: data, RequestID: hresp.Header.Get("x-amzn-RequestId")}
	c.log.DebugContext(ctx, "sp-api call", "operation", op.Name, "status", r.Status, "request_id", r.RequestID, "duration", time.Since(start))
	return r, nil
}

// bucket returns the rate-limit bucket and default plan of a request.
func (c *Client) bucket(req *Request) (RateKey, ratelimit.Plan) {
	op := req.Operation
	key := RateKey{Seller: c.cfg.SellerID, Operation: op.QualifiedName()}
	if c.cfg.PerMarketplace[op.Name] || c.cfg.PerMarketplace[op.QualifiedName()] {
		key.Marketplace = req.Marketplace
	}
	if p, ok := c.cfg.RateLimits[op.QualifiedName()]; ok {
		return key, p
	}
	if p, ok := c.cfg.RateLimits[op.Name]; ok {
		return key, p
	}
	if p, ok := op.DefaultRateLimit(); ok {
		return key, ratelimit.Plan{Rate: p.Rate, Burst: p.Burst}
	}
	return key, fallbackPlan
}

// adapt applies x-amzn-RateLimit-Limit to the bucket.
func (c *Client) adapt(key RateKey, plan ratelimit.Plan, h http.Header) {
	v := h.Get("x-amzn-RateLimit-Limit")
	if v == "" {
		return
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return
	}
	if c.cfg.Limiter.Adapt(key, plan, rate) {
		c.log.Debug("sp-api rate limit adapted", "operation", key.Operation, "rate", rate)
	}
}
