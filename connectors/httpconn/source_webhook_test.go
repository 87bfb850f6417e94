package httpconn_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/httpconn"
	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const (
	token  = "tok-7c1e9a4f2b8d6e0a3c5f7b9d1e2a4c6f"
	secret = "key-2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c"
)

var now = time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)

const notification = `{"NotificationType":"ORDER_CHANGE","NotificationMetadata":{"NotificationId":"n-1"},"Payload":{"OrderChangeNotification":{"AmazonOrderId":"902-1"}}}`

// harness runs one http.webhook source behind an httptest server.
type harness struct {
	pub *componenttest.Publisher
	mux *componenttest.Mux
	set component.SourceSettings
	srv *httptest.Server
	src component.Source
}

func newHarness(t *testing.T) *harness {
	h := &harness{pub: &componenttest.Publisher{}, mux: componenttest.NewMux()}
	h.set = component.SourceSettings{Settings: componenttest.NewSettings(t, "orders/source"), Publisher: h.pub, HTTP: h.mux, DeadLetter: &componenttest.DeadLetters{}}
	h.set.Pipeline = "orders"
	h.set.Clock = componenttest.NewManualClock(now)
	h.set.Dir = "testdata"
	h.srv = httptest.NewServer(h.mux)
	t.Cleanup(h.srv.Close)
	return h
}

// start decodes the options, lets bind adjust the config (CEL binding)
// and starts the source.
func (h *harness) start(t *testing.T, options string, bind func(*httpconn.WebhookConfig)) {
	t.Helper()
	f := httpconn.NewWebhookFactory()
	cfg := componenttest.DecodeConfig(t, f, options).(*httpconn.WebhookConfig)
	if bind != nil {
		bind(cfg)
	}
	src, err := componenttest.CreateSource(context.Background(), f, h.set, cfg)
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	t.Cleanup(func() { _ = src.Shutdown(context.Background()) })
	h.src = src
}

type response struct {
	code int
	body map[string]any
}

func (h *harness) post(t *testing.T, path, body string, header ...string) response {
	t.Helper()
	return h.do(t, http.MethodPost, path, body, header...)
}

func (h *harness) do(t *testing.T, method, path, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	res, err := h.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(data, &out), string(data))
	return response{code: res.StatusCode, body: out}
}

// notificationID binds the id expression msg.NotificationMetadata.NotificationId.
func notificationID(c *httpconn.WebhookConfig) {
	c.ID.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
		meta, ok := m.Body.(map[string]any)["NotificationMetadata"].(map[string]any)
		if !ok {
			return nil, assert.AnError
		}
		return meta["NotificationId"], nil
	}))
}

func TestWebhook_publishes_the_request_and_answers_with_its_id(t *testing.T) {
	h := newHarness(t)
	h.start(t, "path: /hooks/amazon\nauth: {token: "+token+"}\nid: msg.NotificationMetadata.NotificationId\nschema: notification.schema.json\nmetadata_headers: [X-Amz-Sns-Topic-Arn, X-Trace]", notificationID)
	res := h.post(t, "/hooks/amazon", notification, "X-Hook-Token", token, "X-Amz-Sns-Topic-Arn", "arn:topic", "X-Trace", "a", "X-Trace", "b", "X-Other", "no")
	require.Equal(t, 202, res.code)
	assert.Equal(t, map[string]any{"status": "accepted", "id": "n-1"}, res.body)
	msgs := h.pub.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, "n-1", msgs[0].ID)
	assert.Equal(t, "ORDER_CHANGE", msgs[0].Body.(map[string]any)["NotificationType"])
	assert.Equal(t, map[string]string{
		component.MetaReceivedAt: "2026-10-25T00:30:00Z",
		component.MetaKey:        "n-1",
		"x-amz-sns-topic-arn":    "arn:topic",
		"x-trace":                "a, b",
	}, msgs[0].Metadata, "only the listed headers, never the token")
}

func TestWebhook_message_ids(t *testing.T) {
	tests := []struct {
		name    string
		options string
		bind    func(*httpconn.WebhookConfig)
		body    string
		header  []string
		want    int
		wantID  string
		errText string
	}{
		{"id expression", "id: msg.NotificationMetadata.NotificationId", notificationID, notification, nil, 202, "n-1", ""},
		{"integer id", "id: msg.n", func(c *httpconn.WebhookConfig) {
			c.ID.Bind(component.ProgramFunc(func(context.Context, *component.Message) (any, error) { return int64(42), nil }))
		}, `{"n":42}`, nil, 202, "42", ""},
		{"id expression fails", "id: msg.NotificationMetadata.NotificationId", notificationID, `{"other":1}`, nil, 400, "", "id: assert.AnError"},
		{"id expression gives a list", "id: msg.ids", func(c *httpconn.WebhookConfig) {
			c.ID.Bind(component.ProgramFunc(func(context.Context, *component.Message) (any, error) { return []any{"a"}, nil }))
		}, `{"ids":["a"]}`, nil, 400, "", "id: want a string or an integer, got list"},
		{"id expression gives an empty string", "id: msg.id", func(c *httpconn.WebhookConfig) {
			c.ID.Bind(component.ProgramFunc(func(context.Context, *component.Message) (any, error) { return "", nil }))
		}, `{"id":""}`, nil, 400, "", "empty string"},
		{"id header", "id_header: X-Request-Id", nil, `{}`, []string{"X-Request-Id", "req-9"}, 202, "req-9", ""},
		{"missing id header", "id_header: X-Request-Id", nil, `{}`, nil, 400, "", "missing header X-Request-Id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.start(t, "path: /hooks/a\nauth: {none: true}\n"+tt.options, tt.bind)
			res := h.post(t, "/hooks/a", tt.body, tt.header...)
			require.Equal(t, tt.want, res.code, res.body)
			if tt.want != 202 {
				assert.Contains(t, res.body["error"], tt.errText)
				assert.Empty(t, h.pub.Messages())
				return
			}
			require.Len(t, h.pub.Messages(), 1)
			assert.Equal(t, tt.wantID, h.pub.Messages()[0].ID)
			assert.Equal(t, tt.wantID, h.pub.Messages()[0].Meta(component.MetaKey))
			assert.Equal(t, tt.wantID, res.body["id"])
		})
	}
}

func TestWebhook_a_repeated_request_is_published_once(t *testing.T) {
	h := newHarness(t)
	h.start(t, "path: /hooks/a\nauth: {none: true}\nid: msg.NotificationMetadata.NotificationId", notificationID)
	assert.Equal(t, 202, h.post(t, "/hooks/a", notification).code)
	assert.Equal(t, 202, h.post(t, "/hooks/a", notification).code, "the sender retried")
	assert.Len(t, h.pub.Messages(), 1)
}

func TestWebhook_random_ids_without_an_id_option(t *testing.T) {
	h := newHarness(t)
	h.start(t, "path: /hooks/a\nauth: {none: true}", nil)
	first, second := h.post(t, "/hooks/a", `{}`), h.post(t, "/hooks/a", `{}`)
	require.Len(t, h.pub.Messages(), 2)
	assert.NotEqual(t, first.body["id"], second.body["id"])
	assert.Len(t, first.body["id"], 26)
	assert.Empty(t, h.pub.Messages()[0].Meta(component.MetaKey), "a random id is not an idempotency key")
}

func TestWebhook_refused_requests_publish_nothing(t *testing.T) {
	options := "path: /hooks/a\nauth: {hmac: {secret: " + secret + ", tolerance: 2m}}\nmax_body: 1KiB\nschema: notification.schema.json"
	// Senders sign with the wall clock, whatever the engine clock (now) says.
	sign := func(body string, off time.Duration) []string {
		ts := strconv.FormatInt(time.Now().Add(off).Unix(), 10)
		return []string{"X-Timestamp", ts, "X-Signature", webhook.Sign(secret, ts, []byte(body))}
	}
	big := `{"NotificationType":"` + strings.Repeat("x", 1100) + `"}`
	tests := []struct {
		name   string
		method string
		body   string
		header []string
		fail   bool
		want   int
	}{
		{"unsigned", http.MethodPost, notification, nil, false, 401},
		{"wrong secret", http.MethodPost, notification, []string{"X-Timestamp", "1", "X-Signature", webhook.Sign("x", "1", []byte(notification))}, false, 401},
		{"stale", http.MethodPost, notification, sign(notification, -time.Hour), false, 401},
		{"from the future", http.MethodPost, notification, sign(notification, time.Hour), false, 401},
		{"too large", http.MethodPost, big, sign(big, 0), false, 413},
		{"malformed", http.MethodPost, `{"a":`, sign(`{"a":`, 0), false, 400},
		{"not a notification", http.MethodPost, `{"a":1}`, sign(`{"a":1}`, 0), false, 400},
		{"get", http.MethodGet, "", sign("", 0), false, 405},
		{"publisher down", http.MethodPost, notification, sign(notification, 0), true, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.start(t, options, nil)
			if tt.fail {
				h.pub.Err = assert.AnError
			}
			res := h.do(t, tt.method, "/hooks/a", tt.body, tt.header...)
			assert.Equal(t, tt.want, res.code, res.body)
			h.pub.Err = nil
			assert.Empty(t, h.pub.Messages())
			res = h.post(t, "/hooks/a", notification, sign(notification, 0)...)
			assert.Equal(t, 202, res.code, "a good request still passes")
		})
	}
}

func TestWebhook_answers_only_after_the_publish_returned(t *testing.T) {
	h := newHarness(t)
	publishing, release := make(chan struct{}), make(chan struct{})
	h.set.Publisher = component.PublisherFunc(func(ctx context.Context, msgs ...*component.Message) error {
		close(publishing)
		<-release
		return h.pub.Publish(ctx, msgs...)
	})
	h.start(t, "path: /hooks/a\nauth: {none: true}", nil)
	answered := make(chan response, 1)
	go func() { answered <- h.post(t, "/hooks/a", `{}`) }()
	componenttest.Recv(t, "the publish", publishing)
	select {
	case res := <-answered:
		t.Fatalf("answered %d before the publish returned", res.code)
	default:
	}
	close(release)
	assert.Equal(t, 202, componenttest.Recv(t, "the answer", answered).code)
	assert.Len(t, h.pub.Messages(), 1)
}

func TestWebhook_shutdown_stops_intake(t *testing.T) {
	h := newHarness(t)
	h.start(t, "path: /hooks/a\nauth: {none: true}", nil)
	require.NoError(t, h.src.Shutdown(context.Background()))
	res := h.post(t, "/hooks/a", `{}`)
	assert.Equal(t, 503, res.code)
	assert.Empty(t, h.pub.Messages())
}

func TestWebhook_two_sources_cannot_share_a_path(t *testing.T) {
	h := newHarness(t)
	h.start(t, "path: /hooks/a\nauth: {none: true}", nil)
	f := httpconn.NewWebhookFactory()
	src, err := componenttest.CreateSource(context.Background(), f, h.set, componenttest.DecodeConfig(t, f, "path: /hooks/a\nauth: {none: true}"))
	require.NoError(t, err)
	assert.ErrorContains(t, src.Start(context.Background()), "serving /hooks/a: http pattern /hooks/a is already registered")
}

func TestWebhook_options_are_checked(t *testing.T) {
	tests := []struct {
		name    string
		options string
		want    string
	}{
		{"no auth", "path: /hooks/a", "missing properties: 'auth'"},
		{"no path", "auth: {none: true}", "missing properties: 'path'"},
		{"path outside /hooks", "path: /api/a\nauth: {none: true}", "does not match pattern"},
		{"id and id_header", "path: /hooks/a\nauth: {none: true}\nid: msg.id\nid_header: X-Id", "id_header: set id or id_header, not both"},
		{"token header as metadata", "path: /hooks/a\nauth: {token: t}\nmetadata_headers: [x-hook-token]", "metadata_headers.0: x-hook-token carries credentials"},
		{"signature as metadata", "path: /hooks/a\nauth: {hmac: {secret: s}}\nmetadata_headers: [X-Trace, X-Signature]", "metadata_headers.1: X-Signature carries credentials"},
		{"cookie as metadata", "path: /hooks/a\nauth: {none: true}\nmetadata_headers: [Cookie]", "carries credentials"},
		{"token header as id", "path: /hooks/a\nauth: {header: X-Key, token: t}\nid_header: x-key", "id_header: x-key carries credentials"},
		{"engine metadata", "path: /hooks/a\nauth: {none: true}\nmetadata_headers: [PW-Pipeline]", "starting with pw- are the engine's"},
		{"header twice", "path: /hooks/a\nauth: {none: true}\nmetadata_headers: [X-A, x-a]", "metadata_headers.1: x-a is listed twice"},
		{"unknown key", "path: /hooks/a\nauth: {none: true}\nheaders: [X-A]", "additionalProperties 'headers' not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(httpconn.NewWebhookFactory(), tt.options)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestFactories(t *testing.T) {
	fs := httpconn.Factories()
	require.Len(t, fs, 1)
	assert.Equal(t, component.Type("http.webhook"), fs[0].Type())
	assert.Equal(t, component.KindSource, fs[0].Kind())
}
