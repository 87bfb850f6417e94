package client

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/internal/tokencache"
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

// RateKey names one rate-limit bucket: Amazon applies usage plans per
// selling partner and operation, and for a few operations per marketplace
// as well (Marketplace is "" otherwise).
type RateKey struct {
	Seller      string
	Operation   string
	Marketplace string
}

// Limiter is a connection's rate limiter, one bucket per RateKey.
type Limiter = ratelimit.Limiter[RateKey]

// NewLimiter returns a limiter without buckets on clock, for this process
// only.
func NewLimiter(clock component.Clock) *Limiter { return ratelimit.NewLimiter[RateKey](clock) }

// NewSharedLimiter returns a limiter whose buckets every engine of the
// project shares through store (component.Settings.Shared; nil: this
// process only), so that they stay within the seller's usage plans
// together.
func NewSharedLimiter(clock component.Clock, store component.SharedState, log *slog.Logger) *Limiter {
	return ratelimit.NewSharedLimiter(clock, ratelimit.Shared[RateKey]{Store: store, Key: RateKey.StoreKey, Logger: log})
}

// StoreKey names the key's bucket in the project's shared state:
// spapi.ratelimit.<seller>.<operation>[.<marketplace>], each part reduced
// to the characters a key may hold.
func (k RateKey) StoreKey() string {
	s := "spapi.ratelimit." + keyPart(k.Seller) + "." + keyPart(k.Operation)
	if k.Marketplace != "" {
		s += "." + keyPart(k.Marketplace)
	}
	return s
}

// keyPart keeps letters, digits and -_/ of s, replacing the rest with _
// (dots separate the parts).
func keyPart(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '/':
			return r
		}
		return '_'
	}, s)
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
	Limiter *Limiter
	// SellerID keys the rate-limit buckets.
	SellerID string
	// UserAgent is sent on every call (see UserAgent).
	UserAgent string
	// Retry bounds retries of 429, 5xx and transport failures.
	Retry httpretry.Policy
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
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, metrics: newMetrics(cfg.Metrics), rdt: tokencache.New(cfg.Clock, time.Minute), log: log}
}
