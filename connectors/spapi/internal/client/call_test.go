package client_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/engine/component"
)

// script answers the n-th request with statuses[n] (the last one repeats).
type script struct {
	statuses []int
	n        atomic.Int32
	header   http.Header
	mu       sync.Mutex
	tokens   []string
	urls     []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	s.mu.Lock()
	s.tokens = append(s.tokens, r.Header.Get("x-amz-access-token"))
	s.urls = append(s.urls, r.URL.String())
	s.mu.Unlock()
	status := s.statuses[min(i, len(s.statuses)-1)]
	for k, v := range s.header {
		w.Header()[k] = v
	}
	w.Header().Set("x-amzn-RequestId", "rid-42")
	w.WriteHeader(status)
	switch {
	case status == 429:
		_, _ = io.WriteString(w, `{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource."}]}`)
	case status >= 400:
		_, _ = io.WriteString(w, `{"errors":[{"code":"InvalidInput","message":"Invalid input","details":"bad marketplace"}]}`)
	default:
		_, _ = io.WriteString(w, `{"orders":[],"pagination":{}}`)
	}
}

func searchOrders(t *testing.T) *client.Request {
	return &client.Request{Operation: mustOp(t, "searchOrders"), Query: map[string][]string{
		"lastUpdatedAfter": {"2026-01-01T00:00:00Z"}, "marketplaceIds": {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"},
	}}
}

func TestClient_Do_classifies_outcomes(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		calls     int32
		permanent bool
		retryable bool
	}{
		{"success", []int{200}, 1, false, false},
		{"bad request is permanent at once", []int{400}, 1, true, false},
		{"not found is permanent", []int{404}, 1, true, false},
		{"429 then success", []int{429, 429, 200}, 3, false, false},
		{"5xx then success", []int{503, 500, 200}, 3, false, false},
		{"429 storm ends retryable after the bound", []int{429}, 4, false, true},
		{"5xx outage ends retryable", []int{500}, 4, false, true},
		{"403 renews the token once", []int{403, 200}, 2, false, false},
		{"403 twice is permanent", []int{403}, 2, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{statuses: tt.statuses}
			tc := newTestClient(t, s)
			resp, err := tc.Do(context.Background(), searchOrders(t))
			assert.Equal(t, tt.calls, s.n.Load())
			assert.Equal(t, tt.permanent, component.IsPermanent(err), "%v", err)
			assert.Equal(t, tt.retryable, component.IsRetryable(err), "%v", err)
			if err == nil {
				assert.Equal(t, 200, resp.Status)
				return
			}
			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "rid-42", apiErr.RequestID)
			assert.Contains(t, err.Error(), "searchOrders: HTTP")
			if tt.retryable {
				assert.Positive(t, component.RetryDelay(err))
			}
		})
	}
}

func TestClient_Do_sends_query_arrays_comma_separated(t *testing.T) {
	s := &script{statuses: []int{200}}
	tc := newTestClient(t, s)
	_, err := tc.Do(context.Background(), searchOrders(t))
	require.NoError(t, err)
	assert.Equal(t, "/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00%3A00%3A00Z&marketplaceIds=ATVPDKIKX0DER%2CA2EUQ1WTGCTBG2", s.urls[0])
}

func TestClient_Do_rejects_requests_the_model_does_not_allow(t *testing.T) {
	tests := []struct {
		name string
		req  func(t *testing.T) *client.Request
		want []string
	}{
		{"unknown query parameter", func(t *testing.T) *client.Request {
			r := searchOrders(t)
			r.Query["LastUpdatedAfter"] = []string{"x"}
			return r
		}, []string{`no query parameter "LastUpdatedAfter"`, `did you mean "lastUpdatedAfter"`}},
		{"bad enum value", func(t *testing.T) *client.Request {
			r := searchOrders(t)
			r.Query["includedData"] = []string{"RECIPIENT", "ADDRESS"}
			return r
		}, []string{`"ADDRESS" is not one of`}},
		{"missing path parameter and body", func(t *testing.T) *client.Request {
			return &client.Request{Operation: mustOp(t, "confirmShipment")}
		}, []string{"path parameter orderId is required", "requires a request body"}},
		{"body where none is taken", func(t *testing.T) *client.Request {
			r := searchOrders(t)
			r.Body = []byte(`{}`)
			return r
		}, []string{"takes no request body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{statuses: []int{200}}
			tc := newTestClient(t, s)
			_, err := tc.Do(context.Background(), tt.req(t))
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err))
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Zero(t, s.n.Load(), "nothing was sent")
		})
	}
}

func TestClient_Do_renews_a_rejected_token(t *testing.T) {
	s := &script{statuses: []int{403, 200}}
	tc := newTestClient(t, s)
	_, err := tc.Do(context.Background(), searchOrders(t))
	require.NoError(t, err)
	assert.Equal(t, []string{"lwa-1", "lwa-2"}, s.tokens)
	assert.Equal(t, []string{"lwa-1"}, tc.tokens.invalidated)
}

func TestClient_Do_adapts_the_rate_from_the_header(t *testing.T) {
	s := &script{statuses: []int{200}, header: http.Header{"X-Amzn-Ratelimit-Limit": {"0.5"}}}
	tc := newTestClient(t, s, func(c *client.Config) { c.RateLimits = nil })
	_, err := tc.Do(context.Background(), searchOrders(t))
	require.NoError(t, err)
	plan, ok := tc.limiter.Plan(client.RateKey{Seller: "A1SELLER", Operation: "orders/2026-01-01/searchOrders"})
	require.True(t, ok)
	assert.Equal(t, ratelimit.Plan{Rate: 0.5, Burst: 20}, plan)
}

func TestClient_Do_counts_calls_and_throttles(t *testing.T) {
	s := &script{statuses: []int{429, 200}}
	tc := newTestClient(t, s)
	_, err := tc.Do(context.Background(), searchOrders(t))
	require.NoError(t, err)
	assert.Equal(t, 1.0, metricValue(t, tc, "pipewright_spapi_calls_total", "searchOrders", "2xx"))
	assert.Equal(t, 1.0, metricValue(t, tc, "pipewright_spapi_calls_total", "searchOrders", "429"))
	assert.Equal(t, 1.0, metricValue(t, tc, "pipewright_spapi_throttled_total", "searchOrders", ""))
}

func TestClient_Do_uses_restricted_data_tokens_cached_per_resource(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("x-amz-access-token"))
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/restrictedDataToken") {
			body, _ := io.ReadAll(r.Body)
			assert.JSONEq(t, `{"restrictedResources":[{"method":"GET","path":"/orders/v0/orders/{orderId}/address"}]}`, string(body))
			_, _ = io.WriteString(w, `{"restrictedDataToken":"Atz.sprdt|1","expiresIn":3600}`)
			return
		}
		_, _ = io.WriteString(w, `{"payload":{"AmazonOrderId":"x"}}`)
	})
	tc := newTestClient(t, h)
	for _, id := range []string{"902-1", "902-2"} {
		_, err := tc.Do(context.Background(), &client.Request{Operation: mustOp(t, "getOrderAddress"), Path: map[string]string{"orderId": id}})
		require.NoError(t, err)
	}
	assert.Equal(t, []string{
		"POST /tokens/2021-03-01/restrictedDataToken lwa-1",
		"GET /orders/v0/orders/902-1/address Atz.sprdt|1",
		"GET /orders/v0/orders/902-2/address Atz.sprdt|1",
	}, seen)
}

func TestClient_Do_uses_grantless_tokens_for_destination_calls(t *testing.T) {
	s := &script{statuses: []int{200}}
	tc := newTestClient(t, s)
	_, err := tc.Do(context.Background(), &client.Request{Operation: mustOp(t, "getDestinations")})
	require.NoError(t, err)
	assert.Equal(t, []string{"lwa-sellingpartnerapi::notifications1"}, s.tokens)
}

func TestClient_Do_retries_transport_failures(t *testing.T) {
	tc := newTestClient(t, http.NotFoundHandler(), func(c *client.Config) { c.Endpoint = "http://127.0.0.1:1" })
	_, err := tc.Do(context.Background(), searchOrders(t))
	require.Error(t, err)
	assert.True(t, component.IsRetryable(err))
	assert.Equal(t, 4.0, metricValue(t, tc, "pipewright_spapi_calls_total", "searchOrders", "error"))
}

func TestClient_Do_stops_when_the_context_ends(t *testing.T) {
	s := &script{statuses: []int{503}}
	tc := newTestClient(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := tc.Do(ctx, searchOrders(t))
	assert.ErrorIs(t, err, context.Canceled)
}

// metricValue returns the counter name for op and outcome ("" when the
// counter has no outcome label).
func metricValue(t *testing.T, tc *testClient, name, op, outcome string) float64 {
	t.Helper()
	mfs, err := tc.reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["operation"] == op && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestRateKey_StoreKey_names_the_shared_bucket(t *testing.T) {
	tests := []struct {
		key  client.RateKey
		want string
	}{
		{client.RateKey{Seller: "A1SELLER", Operation: "orders/2026-01-01/searchOrders"}, "spapi.ratelimit.A1SELLER.orders/2026-01-01/searchOrders"},
		{client.RateKey{Seller: "A1SELLER", Operation: "listings/2021-08-01/patchListingsItem", Marketplace: "ATVPDKIKX0DER"},
			"spapi.ratelimit.A1SELLER.listings/2021-08-01/patchListingsItem.ATVPDKIKX0DER"},
		{client.RateKey{Seller: "a.b c*", Operation: "op"}, "spapi.ratelimit.a_b_c_.op"},
		{client.RateKey{Operation: "op"}, "spapi.ratelimit._.op"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.key.StoreKey())
	}
}
