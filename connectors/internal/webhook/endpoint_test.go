package webhook_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const (
	token  = "tok-3f9a0c2d7e1b4a6f8c5d9e0b1a2c3d4e"
	secret = "hmac-5e8d1f0a9b7c6d4e3f2a1b0c9d8e7f6a"
)

// start is the wall clock's time in tests; engineStart is the engine
// clock's, far from it, as an accelerated demo clock is: signatures are
// checked against the wall clock only.
var (
	start       = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	engineStart = start.Add(72 * time.Hour)
)

// harness is an endpoint whose HandleFunc publishes to a recording
// publisher, on a manual engine clock and a fixed wall clock (start), with
// its log captured.
type harness struct {
	ep    *webhook.Endpoint
	pub   *componenttest.Publisher
	clock *componenttest.ManualClock
	set   component.Settings
	logs  *bytes.Buffer
	// err, when set, is what the HandleFunc returns instead of publishing.
	err error
}

func newHarness(t testing.TB, options string) *harness {
	t.Helper()
	h := &harness{pub: &componenttest.Publisher{}, clock: componenttest.NewManualClock(engineStart), logs: &bytes.Buffer{}}
	h.set = componenttest.NewSettings(t, "p/source")
	h.set.Clock = h.clock
	h.set.Dir = "testdata"
	h.set.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ep, err := webhook.New(validOptions(t, "path: /hooks/test\n"+options), h.set, "test", func(ctx context.Context, req *webhook.Request) (string, error) {
		if h.err != nil {
			return "", h.err
		}
		return "m1", h.pub.Publish(ctx, component.NewMessage("m1", req.Body))
	})
	require.NoError(t, err)
	webhook.SetWallClock(ep, func() time.Time { return start })
	h.ep = ep
	return h
}

// validOptions decodes and validates options.
func validOptions(t testing.TB, options string) *webhook.Options {
	t.Helper()
	var opts webhook.Options
	require.NoError(t, yaml.Unmarshal([]byte(options), &opts))
	require.NoError(t, opts.Validate())
	return &opts
}

// send serves one request and returns the recorded response.
func (h *harness) send(method, body string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/hooks/test", strings.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ep.ServeHTTP(w, r)
	return w
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// signed returns HMAC headers for body with a timestamp off from start.
func signed(body string, off time.Duration) http.Header {
	ts := strconv.FormatInt(start.Add(off).Unix(), 10)
	return hdr("X-Timestamp", ts, "X-Signature", webhook.Sign(secret, ts, []byte(body)))
}

const order = `{"id":"A-1","amount":12.30}`

func TestEndpoint_authenticates_before_accepting(t *testing.T) {
	tokenOpts := "auth: {token: " + token + "}"
	hmacOpts := "auth: {hmac: {secret: " + secret + "}}"
	rfc := start.Add(-time.Minute).Format(time.RFC3339)
	tests := []struct {
		name    string
		options string
		header  http.Header
		want    int
	}{
		{"valid token", tokenOpts, hdr("X-Hook-Token", token), 202},
		{"wrong token", tokenOpts, hdr("X-Hook-Token", token+"x"), 401},
		{"token prefix", tokenOpts, hdr("X-Hook-Token", token[:10]), 401},
		{"missing token header", tokenOpts, hdr("X-Other", token), 401},
		{"token in a configured header", "auth: {header: Authorization, token: Bearer " + token + "}", hdr("Authorization", "Bearer "+token), 202},
		{"valid hmac", hmacOpts, signed(order, 0), 202},
		{"valid hmac without prefix", hmacOpts, func() http.Header {
			h := signed(order, 0)
			h.Set("X-Signature", strings.TrimPrefix(h.Get("X-Signature"), "sha256="))
			return h
		}(), 202},
		{"valid hmac with rfc 3339 timestamp", hmacOpts, hdr("X-Timestamp", rfc, "X-Signature", webhook.Sign(secret, rfc, []byte(order))), 202},
		{"bad signature", hmacOpts, hdr("X-Timestamp", strconv.FormatInt(start.Unix(), 10), "X-Signature", webhook.Sign(secret, "0", []byte(order))), 401},
		{"signature of another body", hmacOpts, signed(`{"id":"A-2","amount":12.30}`, 0), 401},
		{"signature with another secret", hmacOpts, hdr("X-Timestamp", "1772366400", "X-Signature", webhook.Sign("guess", "1772366400", []byte(order))), 401},
		{"signature not hex", hmacOpts, hdr("X-Timestamp", "1772366400", "X-Signature", "sha256=zz"), 401},
		{"missing signature", hmacOpts, hdr("X-Timestamp", "1772366400"), 401},
		{"missing timestamp", hmacOpts, hdr("X-Signature", webhook.Sign(secret, "1772366400", []byte(order))), 401},
		{"unreadable timestamp", hmacOpts, hdr("X-Timestamp", "yesterday", "X-Signature", webhook.Sign(secret, "yesterday", []byte(order))), 401},
		{"stale timestamp", hmacOpts, signed(order, -6*time.Minute), 401},
		{"future timestamp", hmacOpts, signed(order, 6*time.Minute), 401},
		{"timestamp at the tolerance edge in the past", hmacOpts, signed(order, -5*time.Minute), 202},
		{"timestamp at the tolerance edge in the future", hmacOpts, signed(order, 5*time.Minute), 202},
		{"timestamp one second past the edge", hmacOpts, signed(order, -5*time.Minute-time.Second), 401},
		{"timestamp one second before the future edge", hmacOpts, signed(order, 5*time.Minute+time.Second), 401},
		{"custom tolerance", "auth: {hmac: {secret: " + secret + ", tolerance: 30s}}", signed(order, -time.Minute), 401},
		{"custom headers", "auth: {hmac: {secret: " + secret + ", signature_header: X-Sig, timestamp_header: X-Ts}}", func() http.Header {
			h := signed(order, 0)
			return hdr("X-Ts", h.Get("X-Timestamp"), "X-Sig", h.Get("X-Signature"))
		}(), 202},
		{"none", "auth: {none: true}", nil, 202},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.options)
			w := h.send(http.MethodPost, order, tt.header)
			require.Equal(t, tt.want, w.Code, w.Body.String())
			if tt.want != 202 {
				assert.JSONEq(t, `{"error":"unauthorized"}`, w.Body.String(), "a refusal gives no detail")
				assert.Empty(t, h.pub.Messages(), "nothing is published for a 401")
				return
			}
			assert.JSONEq(t, `{"status":"accepted","id":"m1"}`, w.Body.String())
			require.Len(t, h.pub.Messages(), 1)
			assert.Equal(t, map[string]any{"id": "A-1", "amount": decimal.MustParse("12.30")}, h.pub.Messages()[0].Body)
		})
	}
}

func TestEndpoint_checks_signed_timestamps_against_the_wall_clock(t *testing.T) {
	h := newHarness(t, "auth: {hmac: {secret: "+secret+"}}")
	engineTime := strconv.FormatInt(h.clock.Now().Unix(), 10)
	w := h.send(http.MethodPost, order, hdr("X-Timestamp", engineTime, "X-Signature", webhook.Sign(secret, engineTime, []byte(order))))
	assert.Equal(t, 401, w.Code, "a timestamp of the engine clock, 72h from the wall clock, is outside the window")

	h.clock.Advance(time.Hour) // an accelerated engine clock runs ahead
	w = h.send(http.MethodPost, order, signed(order, -time.Minute))
	assert.Equal(t, 202, w.Code, "a wall-clock timestamp is inside the window whatever the engine clock says")
	require.Len(t, h.pub.Messages(), 1)
}

func TestEndpoint_reports_the_engine_clock_as_the_receive_time(t *testing.T) {
	h := newHarness(t, "auth: {hmac: {secret: "+secret+"}}")
	var got time.Time
	ep, err := webhook.New(validOptions(t, "path: /hooks/at\nauth: {hmac: {secret: "+secret+"}}"), h.set, "test", func(_ context.Context, req *webhook.Request) (string, error) {
		got = req.ReceivedAt
		return "x", nil
	})
	require.NoError(t, err)
	webhook.SetWallClock(ep, func() time.Time { return start })
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/hooks/at", strings.NewReader(order))
	r.Header = signed(order, 0)
	ep.ServeHTTP(w, r)
	require.Equal(t, 202, w.Code, w.Body.String())
	assert.Equal(t, engineStart, got)
}

func TestEndpoint_refuses_invalid_requests_and_publishes_nothing(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", 2000) + `"}`
	tests := []struct {
		name     string
		options  string
		method   string
		body     string
		header   http.Header
		chunked  bool
		want     int
		contains string
	}{
		{"wrong method", "", http.MethodGet, "", nil, false, 405, "use POST"},
		{"put", "", http.MethodPut, order, nil, false, 405, "use POST"},
		{"oversized body", "max_body: 1KiB", http.MethodPost, big, nil, false, 413, "larger than 1024 bytes"},
		{"oversized body without a length", "max_body: 1KiB", http.MethodPost, big, nil, true, 413, "larger than 1024 bytes"},
		{"oversized body with a wrong token is unauthorized", "max_body: 1KiB", http.MethodPost, big, hdr("X-Hook-Token", "nope"), false, 401, "unauthorized"},
		{"malformed JSON", "", http.MethodPost, `{"id":`, nil, false, 400, "body is not JSON"},
		{"trailing garbage", "", http.MethodPost, `{"id":"A"} x`, nil, false, 400, "body is not JSON"},
		{"empty body", "", http.MethodPost, "", nil, false, 400, "body is not JSON"},
		{"schema violation", "schema: order.schema.json", http.MethodPost, `{"id":"","amount":"12"}`, nil, false, 400, "/amount: expected number, but got string"},
		{"schema violation in a list", "schema: order.schema.json", http.MethodPost, `{"id":"A","amount":-1,"lines":[{}]}`, nil, false, 400, "/lines/0: missing properties: 'sku'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "auth: {token: "+token+"}\n"+tt.options)
			header := tt.header
			if header == nil {
				header = hdr("X-Hook-Token", token)
			}
			r := httptest.NewRequest(tt.method, "/hooks/test", strings.NewReader(tt.body))
			if tt.chunked {
				r = httptest.NewRequest(tt.method, "/hooks/test", io.MultiReader(strings.NewReader(tt.body)))
				r.ContentLength = -1
			}
			r.Header = header
			w := httptest.NewRecorder()
			h.ep.ServeHTTP(w, r)
			assert.Equal(t, tt.want, w.Code)
			assert.Contains(t, w.Body.String(), tt.contains)
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			assert.Empty(t, h.pub.Messages(), "nothing is published for a %d", tt.want)
		})
	}
}

func TestEndpoint_lists_schema_violations(t *testing.T) {
	h := newHarness(t, "auth: {token: "+token+"}\nschema: order.schema.json")
	w := h.send(http.MethodPost, `{"id":"","amount":"12"}`, hdr("X-Hook-Token", token))
	require.Equal(t, 400, w.Code)
	assert.JSONEq(t, `{"error":"body does not match the schema","violations":["/amount: expected number, but got string","/id: length must be >= 1, but got 0"]}`, w.Body.String())
}

func TestEndpoint_accepts_a_body_that_matches_the_schema_or_the_size_exactly(t *testing.T) {
	h := newHarness(t, "auth: {token: "+token+"}\nschema: order.schema.json\nmax_body: "+strconv.Itoa(len(order)))
	w := h.send(http.MethodPost, order, hdr("X-Hook-Token", token))
	assert.Equal(t, 202, w.Code, w.Body.String())
	assert.Len(t, h.pub.Messages(), 1)
}

func TestEndpoint_answers_handler_errors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		want       int
		body       string
		retryAfter string
	}{
		{"publisher failure", assert.AnError, 503, `{"error":"temporarily unavailable, retry later"}`, ""},
		{"retryable with a delay", component.RetryableAfter(assert.AnError, 1500*time.Millisecond), 503, `{"error":"temporarily unavailable, retry later"}`, "2"},
		{"permanent", component.Permanentf("id: no such key NotificationId"), 400, `{"error":"id: no such key NotificationId"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "auth: {token: "+token+"}")
			h.err = tt.err
			w := h.send(http.MethodPost, order, hdr("X-Hook-Token", token))
			assert.Equal(t, tt.want, w.Code)
			assert.JSONEq(t, tt.body, w.Body.String())
			assert.Equal(t, tt.retryAfter, w.Header().Get("Retry-After"))
			assert.Empty(t, h.pub.Messages())
		})
	}
}

func TestEndpoint_answers_503_when_the_publisher_fails(t *testing.T) {
	h := newHarness(t, "auth: {hmac: {secret: "+secret+"}}")
	h.pub.Err = assert.AnError
	w := h.send(http.MethodPost, order, signed(order, 0))
	assert.Equal(t, 503, w.Code)
	h.pub.Err = nil
	assert.Empty(t, h.pub.Messages())
}

func TestEndpoint_never_reveals_secrets(t *testing.T) {
	for _, options := range []string{"auth: {token: " + token + "}", "auth: {hmac: {secret: " + secret + "}}"} {
		h := newHarness(t, options)
		var out strings.Builder
		for _, header := range []http.Header{
			hdr("X-Hook-Token", token+"x"), hdr("X-Hook-Token", token), signed(order, 0), signed(order, time.Hour), nil,
		} {
			out.WriteString(h.send(http.MethodPost, order, header).Body.String())
			out.WriteString(h.send(http.MethodPost, `{`, header).Body.String())
		}
		h.pub.Err = assert.AnError
		out.WriteString(h.send(http.MethodPost, order, hdr("X-Hook-Token", token)).Body.String())
		out.WriteString(h.send(http.MethodPost, order, signed(order, 0)).Body.String())
		for _, s := range []string{token, secret} {
			assert.NotContains(t, out.String(), s, "responses")
			assert.NotContains(t, h.logs.String(), s, "logs")
		}
		assert.Contains(t, h.logs.String(), "reason=", "refusals are logged with a reason")
	}
}

func TestEndpoint_counts_requests_by_path_and_code(t *testing.T) {
	h := newHarness(t, "auth: {token: "+token+"}")
	h.send(http.MethodPost, order, hdr("X-Hook-Token", token))
	h.send(http.MethodPost, order, hdr("X-Hook-Token", "nope"))
	h.send(http.MethodPost, order, hdr("X-Hook-Token", "nope"))
	assert.Equal(t, map[string]float64{"/hooks/test 202": 1, "/hooks/test 401": 2}, requestCounts(t, h.set))
}

// requestCounts returns the request counter's values by "path code".
func requestCounts(t *testing.T, set component.Settings) map[string]float64 {
	t.Helper()
	families, err := set.Metrics.(*prometheus.Registry).Gather()
	require.NoError(t, err)
	counts := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "pipewright_test_webhook_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			counts[labels["path"]+" "+labels["code"]] = m.GetCounter().GetValue()
		}
	}
	return counts
}

func TestNew_shares_metrics_between_endpoints_of_one_connector(t *testing.T) {
	h := newHarness(t, "auth: {none: true}")
	other, err := webhook.New(validOptions(t, "path: /hooks/other\nauth: {none: true}"), h.set, "test", func(context.Context, *webhook.Request) (string, error) { return "x", nil })
	require.NoError(t, err)
	h.send(http.MethodPost, order, nil)
	w := httptest.NewRecorder()
	other.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hooks/other", strings.NewReader(order)))
	require.Equal(t, 202, w.Code)
	assert.Equal(t, map[string]float64{"/hooks/test 202": 1, "/hooks/other 202": 1}, requestCounts(t, h.set))
	assert.Contains(t, h.logs.String(), "unauthenticated requests", "auth: none is warned about")
}

func TestNew_fails_on_a_missing_schema_file(t *testing.T) {
	set := componenttest.NewSettings(t, "p/source")
	_, err := webhook.New(validOptions(t, "path: /hooks/x\nauth: {none: true}\nschema: missing.json"), set, "test", nil)
	assert.ErrorContains(t, err, "compiling the body schema")
}
