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

type fakeLWA struct {
	calls  atomic.Int32
	status int
	forms  chan map[string]string
	delay  time.Duration
}

func (f *fakeLWA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.calls.Add(1)
	_ = r.ParseForm()
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = r.PostForm.Get(k)
	}
	form["content-type"] = r.Header.Get("Content-Type")
	select {
	case f.forms <- form:
	default:
	}
	time.Sleep(f.delay)
	w.Header().Set("Content-Type", "application/json")
	if f.status != 0 {
		w.WriteHeader(f.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "Atza|token-" + string(rune('0'+n)), "token_type": "bearer", "expires_in": 3600})
}

func newSource(t *testing.T, f *fakeLWA, clock *componenttest.ManualClock) *lwa.Source {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return lwa.New(lwa.Config{Endpoint: srv.URL, ClientID: "amzn1.application-oa2-client.x", ClientSecret: "s3cret", RefreshToken: "Atzr|refresh", Clock: clock})
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestSource_grants(t *testing.T) {
	tests := []struct {
		name, scope string
		want        map[string]string
	}{
		{"refresh token", "", map[string]string{"grant_type": "refresh_token", "refresh_token": "Atzr|refresh", "client_id": "amzn1.application-oa2-client.x", "client_secret": "s3cret", "content-type": "application/x-www-form-urlencoded;charset=UTF-8"}},
		{"client credentials", "sellingpartnerapi::notifications", map[string]string{"grant_type": "client_credentials", "scope": "sellingpartnerapi::notifications", "client_id": "amzn1.application-oa2-client.x", "client_secret": "s3cret", "content-type": "application/x-www-form-urlencoded;charset=UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeLWA{forms: make(chan map[string]string, 1)}
			s := newSource(t, f, componenttest.NewManualClock(t0))
			tok, err := s.Token(context.Background(), tt.scope)
			require.NoError(t, err)
			assert.Equal(t, "Atza|token-1", tok)
			assert.Equal(t, tt.want, <-f.forms)
		})
	}
}

func TestSource_caches_until_shortly_before_expiry(t *testing.T) {
	f := &fakeLWA{}
	clock := componenttest.NewManualClock(t0)
	s := newSource(t, f, clock)
	ctx := context.Background()
	tok1, err := s.Token(ctx, "")
	require.NoError(t, err)
	clock.Advance(58 * time.Minute)
	tok2, err := s.Token(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, tok1, tok2)
	assert.EqualValues(t, 1, f.calls.Load())

	clock.Advance(time.Minute) // 59 min: inside the renewal minute
	tok3, err := s.Token(ctx, "")
	require.NoError(t, err)
	assert.NotEqual(t, tok1, tok3)
	assert.EqualValues(t, 2, f.calls.Load())

	s.Invalidate(tok3)
	_, err = s.Token(ctx, "")
	require.NoError(t, err)
	assert.EqualValues(t, 3, f.calls.Load())
}

func TestSource_concurrent_callers_share_one_exchange(t *testing.T) {
	f := &fakeLWA{delay: 50 * time.Millisecond}
	s := newSource(t, f, componenttest.NewManualClock(t0))
	var wg sync.WaitGroup
	toks := make([]string, 20)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := s.Token(context.Background(), "")
			assert.NoError(t, err)
			toks[i] = tok
		}()
	}
	componenttest.Wait(t, "the callers", &wg)
	assert.EqualValues(t, 1, f.calls.Load())
	for _, tok := range toks {
		assert.Equal(t, "Atza|token-1", tok)
	}
}

func TestSource_errors_never_show_the_credentials(t *testing.T) {
	tests := []struct {
		status    int
		temporary bool
	}{{400, false}, {401, false}, {500, true}, {429, true}}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			f := &fakeLWA{status: tt.status}
			s := newSource(t, f, componenttest.NewManualClock(t0))
			_, err := s.Token(context.Background(), "")
			var le *lwa.Error
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.status, le.Status)
			assert.Equal(t, tt.temporary, le.Temporary())
			assert.Contains(t, err.Error(), "invalid_grant")
			assert.NotContains(t, err.Error(), "s3cret")
			assert.NotContains(t, err.Error(), "Atzr|refresh")
		})
	}
}

func TestSource_without_refresh_token_fails_seller_calls(t *testing.T) {
	s := lwa.New(lwa.Config{Endpoint: "http://127.0.0.1:1", ClientID: "c", ClientSecret: "s", Clock: componenttest.NewManualClock(t0)})
	_, err := s.Token(context.Background(), "")
	assert.ErrorContains(t, err, "no refresh token")
}
