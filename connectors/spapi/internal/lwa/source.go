package lwa

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/tokencache"
	"github.com/pipewright/pipewright/engine/component"
)

// DefaultEndpoint is Amazon's token endpoint, the same for every region.
const DefaultEndpoint = "https://api.amazon.com/auth/o2/token"

// Config configures a token Source. The credentials are secrets: they are
// sent to the endpoint only and never appear in errors.
type Config struct {
	// Endpoint is the token URL (DefaultEndpoint when empty).
	Endpoint     string
	ClientID     string
	ClientSecret string
	// RefreshToken is the seller's authorization; needed for seller calls.
	RefreshToken string
	// HTTP sends the exchanges (http.DefaultClient when nil).
	HTTP *http.Client
	// Clock decides expiry; required.
	Clock component.Clock
	// RenewBefore is how long before expiry a token is renewed (1 minute
	// when zero).
	RenewBefore time.Duration
	// UserAgent is sent with each exchange.
	UserAgent string
}

// Source hands out cached access tokens. It is safe for concurrent use.
type Source struct {
	cfg    Config
	cache  *tokencache.Cache
	secret atomic.Pointer[string] // the client secret exchanges send now
}

// New returns a Source for cfg.
func New(cfg Config) *Source {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.RenewBefore == 0 {
		cfg.RenewBefore = time.Minute
	}
	s := &Source{cfg: cfg, cache: tokencache.New(cfg.Clock, cfg.RenewBefore)}
	s.secret.Store(&cfg.ClientSecret)
	return s
}

// SetClientSecret makes every exchange that starts from now on send secret
// (after a rotation). Cached access tokens stay valid until they expire, and
// an exchange already in flight completes with the secret it started with:
// LWA accepts the old secret until its announced expiry, so no call fails.
// It is safe to call while other goroutines obtain tokens.
func (s *Source) SetClientSecret(secret string) { s.secret.Store(&secret) }

// Token returns an access token: for the seller (refresh-token grant) when
// scope is empty, else a grantless token for scope (client-credentials
// grant, e.g. "sellingpartnerapi::notifications"). A cached token is reused
// until RenewBefore ahead of its expiry; when several callers need a new one
// at once, one exchange serves them all.
func (s *Source) Token(ctx context.Context, scope string) (string, error) {
	return s.cache.Get(ctx, scope, func(ctx context.Context) (string, time.Duration, error) {
		return s.fetch(ctx, scope)
	})
}

// Invalidate drops token from the cache (after Amazon rejected it), so the
// next Token call exchanges again.
func (s *Source) Invalidate(token string) { s.cache.Invalidate(token) }
