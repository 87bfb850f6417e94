package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// fakeTokens is a TokenSource that hands out "lwa-<n>" tokens.
type fakeTokens struct {
	mu          sync.Mutex
	n           int
	current     map[string]string
	invalidated []string
}

func (f *fakeTokens) Token(_ context.Context, scope string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.current == nil {
		f.current = map[string]string{}
	}
	if tok, ok := f.current[scope]; ok {
		return tok, nil
	}
	f.n++
	tok := "lwa-" + scope + string(rune('0'+f.n))
	f.current[scope] = tok
	return tok, nil
}

func (f *fakeTokens) Invalidate(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidated = append(f.invalidated, token)
	for k, v := range f.current {
		if v == token {
			delete(f.current, k)
		}
	}
}

// fastClock is a real clock whose waits are a thousand times shorter, for
// tests that go through backoff.
type fastClock struct{}

func (fastClock) Now() time.Time { return time.Now() }
func (fastClock) After(ctx context.Context, d time.Duration) <-chan time.Time {
	return component.WallClock{}.After(ctx, d/1000)
}

type testClient struct {
	*client.Client
	url     string // the test server's
	tokens  *fakeTokens
	reg     *prometheus.Registry
	limiter *client.Limiter
}

// newTestClient returns a client against h with generous rate limits.
func newTestClient(t *testing.T, h http.Handler, opts ...func(*client.Config)) *testClient {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var clock component.Clock = fastClock{}
	tc := &testClient{url: srv.URL, tokens: &fakeTokens{}, reg: prometheus.NewRegistry(), limiter: client.NewLimiter(clock)}
	cfg := client.Config{
		Endpoint: srv.URL, Tokens: tc.tokens, HTTP: srv.Client(), Clock: clock, Limiter: tc.limiter,
		SellerID: "A1SELLER", UserAgent: client.UserAgent("pipewright-test", "1.0"),
		Retry:      httpretry.Policy{MaxAttempts: 4, Base: time.Second, Max: 8 * time.Second},
		RateLimits: map[string]ratelimit.Plan{},
		Metrics:    tc.reg, RestrictedDataTokens: true,
	}
	for _, op := range models.Operations() {
		cfg.RateLimits[op.QualifiedName()] = ratelimit.Plan{Rate: 1000, Burst: 1000}
	}
	for _, o := range opts {
		o(&cfg)
	}
	tc.Client = client.New(cfg)
	return tc
}

func mustOp(t *testing.T, name string) *models.Operation {
	t.Helper()
	op, err := models.LookupOperation(name)
	if err != nil {
		t.Fatal(err)
	}
	return op
}
