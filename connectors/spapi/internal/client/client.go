package client

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/spapi/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/internal/tokencache"
	"github.com/pipewright/pipewright/engine/component"
)

// TokenSource hands out LWA access tokens (see package lwa).
type TokenSource interface {
	// Token returns a seller token for scope "" and a grantless token
	// otherwise.
	Token(ctx context.Context, scope string) (string, error)
	// Invalidate drops a token the server rejected.
	Invalidate(token string)
}

// Retry bounds the retries of one call.
type Retry struct {
	// MaxAttempts is how many times a call is sent at most before a
	// retryable failure is handed to the caller (as component.RetryableAfter).
	MaxAttempts int
	// Base is the first backoff; it doubles per attempt up to Max, and each
	// wait is drawn between half and all of it (jitter).
	Base, Max time.Duration
}

// Config configures a Client.
type Config struct {
	// Endpoint is the SP-API base URL, e.g. https://sellingpartnerapi-na.amazon.com.
	Endpoint string
	// Tokens supplies LWA access tokens.
	Tokens TokenSource
	// HTTP sends requests; its Timeout bounds one attempt.
	HTTP *http.Client
	// Clock is the engine's clock, for rate limits and backoff.
	Clock component.Clock
	// Limiter is the connection's shared limiter.
	Limiter *ratelimit.Limiter
	// SellerID keys the rate-limit buckets.
	SellerID string
	// UserAgent is sent on every call (see UserAgent).
	UserAgent string
	// Retry bounds retries of 429, 5xx and transport failures.
	Retry Retry
	// RateLimits overrides default usage plans, by operation name or
	// qualified name.
	RateLimits map[string]ratelimit.Plan
	// PerMarketplace lists operations (name or qualified name) whose limits
	// Amazon applies per marketplace.
	PerMarketplace map[string]bool
	// RestrictedDataTokens makes calls of restricted operations use a
	// restricted data token from the Tokens API.
	RestrictedDataTokens bool
	// Metrics registers the call metrics (nil: not registered).
	Metrics prometheus.Registerer
	// Logger logs calls at debug level (nil: discarded).
	Logger *slog.Logger
}

// Client calls SP-API operations. It is safe for concurrent use.
type Client struct {
	cfg     Config
	metrics *metrics
	rdt     *tokencache.Cache
	log     *slog.Logger
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.Retry.MaxAttempts <= 0 {
		cfg.Retry.MaxAttempts = 5
	}
	if cfg.Retry.Base <= 0 {
		cfg.Retry.Base = time.Second
	}
	if cfg.Retry.Max <= 0 {
		cfg.Retry.Max = 2 * time.Minute
	}
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, metrics: newMetrics(cfg.Metrics), rdt: tokencache.New(cfg.Clock, time.Minute), log: log}
}

// backoff returns the wait before retry number attempt+1: Base doubled per
// attempt, capped at Max, with jitter between half and all of it.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.Retry.Base << min(attempt, 30)
	if d <= 0 || d > c.cfg.Retry.Max {
		d = c.cfg.Retry.Max
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-c.cfg.Clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
