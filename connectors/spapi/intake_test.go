package spapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// example is a notification from the examples of Amazon's schemas.
type example struct {
	file string
	body []byte
	typ  string
}

func schemaExamples(t *testing.T) []example {
	t.Helper()
	exs, err := models.NotificationExamples()
	require.NoError(t, err)
	var out []example
	for _, ex := range exs {
		h, err := models.ParseNotificationHeader(ex.Body)
		require.NoError(t, err)
		out = append(out, example{file: ex.Schema, body: ex.Body, typ: h.Type})
	}
	require.Len(t, out, 10)
	return out
}

func eventBridge(detail []byte) []byte {
	ev, _ := json.Marshal(map[string]any{"version": "0", "id": "e-1", "detail-type": "notification", "source": "aws.partner/sellingpartnerapi.amazon.com/x", "detail": json.RawMessage(detail)})
	return ev
}

func post(t *testing.T, url string, body []byte, header map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

var tokenHeader = map[string]string{"X-Hook-Token": "s3cret"}

// signed returns the headers of body signed at (wall-clock) time at, with
// the default headers of the shared webhook options.
func signed(secret string, body []byte, at time.Time) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{"X-Timestamp": ts, "X-Signature": webhook.Sign(secret, ts, body)}
}

// newNotifications starts an spapi.notifications source accepting every
// type, behind an httptest server.
func newNotifications(t *testing.T, yaml string) (string, *componenttest.Publisher) {
	f := spapi.NewNotificationsFactory()
	cfg := componenttest.DecodeConfig(t, f, yaml)
	pub, mux := &componenttest.Publisher{}, componenttest.NewMux()
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "n/source"), Publisher: pub, HTTP: mux, DeadLetter: &componenttest.DeadLetters{}}
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	start(t, src)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/n", pub
}

const allTypes = "[ORDER_CHANGE, FBA_INVENTORY_AVAILABILITY_CHANGES, LISTINGS_ITEM_STATUS_CHANGE, LISTINGS_ITEM_ISSUES_CHANGE, LISTINGS_ITEM_MFN_QUANTITY_CHANGE, REPORT_PROCESSING_FINISHED, FEED_PROCESSING_FINISHED, FULFILLMENT_ORDER_STATUS]"

func TestNotifications_accept_every_schema_example(t *testing.T) {
	for _, envelope := range []string{"sqs", "eventbridge"} {
		t.Run(envelope, func(t *testing.T) {
			url, pub := newNotifications(t, "{path: /hooks/n, auth: {token: s3cret}, types: "+allTypes+"}")
			for _, ex := range schemaExamples(t) {
				body := ex.body
				if envelope == "eventbridge" {
					body = eventBridge(body)
				}
				assert.Equal(t, http.StatusAccepted, post(t, url, body, tokenHeader), ex.file)
			}
			msgs := pub.Messages()
			// Several examples share a NotificationId: the stream keeps one.
			require.NotEmpty(t, msgs)
			for _, m := range msgs {
				h, err := models.ParseNotificationHeader(mustEncode(t, m.Body))
				require.NoError(t, err)
				assert.Equal(t, h.ID, m.ID)
				assert.Equal(t, h.Type, m.Meta(spapi.MetaNotificationType))
			}
		})
	}
}

func TestNotifications_accept_hmac_signed_requests(t *testing.T) {
	url, pub := newNotifications(t, "{path: /hooks/n, auth: {hmac: {secret: k3y}}, types: "+allTypes+"}")
	ex := schemaExamples(t)[0]
	assert.Equal(t, http.StatusAccepted, post(t, url, ex.body, signed("k3y", ex.body, time.Now())))
	assert.Len(t, pub.Messages(), 1)
}

func TestNotifications_reject_bad_requests_and_record_nothing(t *testing.T) {
	ex := schemaExamples(t)[0]
	var invalid map[string]any
	require.NoError(t, json.Unmarshal(ex.body, &invalid))
	delete(invalid, "EventTime")
	delete(invalid, "eventTime")
	invalidBody := mustEncode(t, invalid)
	tests := []struct {
		name   string
		auth   string
		body   []byte
		header map[string]string
		status int
	}{
		{"no token", "{token: s3cret}", ex.body, nil, 401},
		{"wrong token", "{token: s3cret}", ex.body, map[string]string{"X-Hook-Token": "s3cre"}, 401},
		{"bad signature", "{hmac: {secret: k3y}}", ex.body, signed("other", ex.body, time.Now()), 401},
		{"stale signature", "{hmac: {secret: k3y}}", ex.body, signed("k3y", ex.body, time.Now().Add(-time.Hour)), 401},
		{"signature of another body", "{hmac: {secret: k3y}}", ex.body, signed("k3y", []byte("{}"), time.Now()), 401},
		{"malformed JSON", "{token: s3cret}", []byte(`{"NotificationType":`), tokenHeader, 400},
		{"schema violation", "{token: s3cret}", invalidBody, tokenHeader, 400},
		{"unknown type", "{token: s3cret}", []byte(`{"NotificationType":"ANY_OFFER_CHANGED","NotificationMetadata":{"NotificationId":"x"}}`), tokenHeader, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, pub := newNotifications(t, "{path: /hooks/n, auth: "+tt.auth+", types: "+allTypes+"}")
			assert.Equal(t, tt.status, post(t, url, tt.body, tt.header))
			assert.Empty(t, pub.Messages())
		})
	}
}

func TestNotifications_reject_types_not_configured(t *testing.T) {
	url, pub := newNotifications(t, "{path: /hooks/n, auth: {token: s3cret}, types: [FEED_PROCESSING_FINISHED]}")
	for _, ex := range schemaExamples(t) {
		want := http.StatusBadRequest
		if ex.typ == models.FeedProcessingFinished {
			want = http.StatusAccepted
		}
		assert.Equal(t, want, post(t, url, ex.body, tokenHeader), ex.file)
	}
	assert.Len(t, pub.Messages(), 1)
}

func TestNotifications_answer_503_when_publishing_fails(t *testing.T) {
	url, pub := newNotifications(t, "{path: /hooks/n, auth: {token: s3cret}, types: "+allTypes+"}")
	pub.Err = fmt.Errorf("stream down")
	assert.Equal(t, http.StatusServiceUnavailable, post(t, url, schemaExamples(t)[0].body, tokenHeader))
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	data, err := component.EncodeJSON(v)
	require.NoError(t, err)
	return data
}
