package lwa_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/internal/lwa"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// rotatingLWA accepts the secrets in valid and counts the exchanges that
// sent each secret.
type rotatingLWA struct {
	mu    sync.Mutex
	valid map[string]bool
	sent  map[string]int
	n     atomic.Int32
}

func (f *rotatingLWA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	secret := r.PostForm.Get("client_secret")
	f.mu.Lock()
	ok := f.valid[secret]
	f.sent[secret]++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	// Short-lived tokens: every few calls exchange again.
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "Atza|t" + string(rune('a'+f.n.Add(1)%26)), "expires_in": 61})
}

func TestSource_switches_client_secret_under_concurrent_refreshes(t *testing.T) {
	f := &rotatingLWA{valid: map[string]bool{"old-secret": true, "new-secret": true}, sent: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	clock := componenttest.NewManualClock(t0)
	s := lwa.New(lwa.Config{Endpoint: srv.URL, ClientID: "c", ClientSecret: "old-secret", RefreshToken: "r", Clock: clock})

	ctx := context.Background()
	var wg sync.WaitGroup
	var failed atomic.Int32
	stop := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Token(ctx, ""); err != nil {
					failed.Add(1)
				}
				clock.Advance(time.Second) // tokens keep expiring: refreshes overlap the switch
			}
		}()
	}
	require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.sent["old-secret"] >= 3 }, componenttest.WaitLimit, time.Millisecond)
	s.SetClientSecret("new-secret")
	require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.sent["new-secret"] >= 3 }, componenttest.WaitLimit, time.Millisecond)
	// The old secret is now refused: exchanges keep succeeding with the new one.
	f.mu.Lock()
	f.valid["old-secret"] = false
	oldSent := f.sent["old-secret"]
	f.mu.Unlock()
	require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.sent["new-secret"] >= 6 }, componenttest.WaitLimit, time.Millisecond)
	close(stop)
	componenttest.Wait(t, "the callers", &wg)

	assert.Zero(t, failed.Load(), "no token request failed across the switch")
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.Equal(t, oldSent, f.sent["old-secret"], "no exchange sent the old secret after the switch had settled")
}
