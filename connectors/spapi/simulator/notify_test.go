package simulator_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// hook is a webhook endpoint that fails its first failures requests.
type hook struct {
	mu       sync.Mutex
	failures int
	got      []*http.Request
	bodies   [][]byte
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, r)
	h.bodies = append(h.bodies, body)
	if h.failures > 0 {
		h.failures--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *hook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

// pushingSim starts a simulator (Start, so the notifier runs) that pushes
// to h.
func pushingSim(t *testing.T, h *hook, opts ...func(*simulator.Config)) (*simulator.Server, *componenttest.ManualClock) {
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	clock := componenttest.NewManualClock(epoch)
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.Clock, cfg.OrdersPerHour, cfg.SettlementPeriod = "127.0.0.1:0", clock, 0, 0
	cfg.Notify.URL, cfg.Notify.Header, cfg.Notify.Token = hs.URL, "X-Hook-Token", "s3cret"
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv, clock
}

func TestNotify_pushes_ORDER_CHANGE_and_redelivers_until_accepted(t *testing.T) {
	h := &hook{failures: 2}
	srv, clock := pushingSim(t, h)
	o, err := srv.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)

	attempts := func() int { return srv.Notifications()[0].Attempts }
	require.Eventually(t, func() bool { return attempts() == 1 }, componenttest.WaitLimit, time.Millisecond)
	clock.Advance(29 * time.Second)
	srv.Sync()
	assert.Equal(t, 1, h.count(), "no redelivery before the visibility timeout")
	clock.Advance(time.Second)
	require.Eventually(t, func() bool { return attempts() == 2 }, componenttest.WaitLimit, time.Millisecond)
	clock.Advance(30 * time.Second)
	require.Eventually(t, func() bool { return srv.Notifications()[0].Delivered }, componenttest.WaitLimit, time.Millisecond)

	n := srv.Notifications()[0]
	assert.Equal(t, 3, n.Attempts)
	require.Equal(t, 3, h.count())
	for i, body := range h.bodies {
		assert.Equal(t, "s3cret", h.got[i].Header.Get("X-Hook-Token"))
		assert.JSONEq(t, string(n.Body), string(body), "every delivery carries the same notification")
	}
	hdr, err := models.ValidateNotification(h.bodies[2])
	require.NoError(t, err)
	assert.Equal(t, n.ID, hdr.ID)
	var note struct {
		Payload struct {
			OrderChangeNotification struct {
				AmazonOrderID string `json:"AmazonOrderId"`
				Summary       struct{ OrderStatus string }
			}
		}
	}
	require.NoError(t, json.Unmarshal(h.bodies[2], &note))
	assert.Equal(t, o.ID, note.Payload.OrderChangeNotification.AmazonOrderID)
	assert.Equal(t, "Unshipped", note.Payload.OrderChangeNotification.Summary.OrderStatus)
}

func TestNotify_every_order_change_raises_a_valid_notification(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.OrdersPerHour = 30 })
	s.advance(48 * time.Hour)
	notes := s.srv.Notifications()
	require.Greater(t, len(notes), 100)
	types := map[string]bool{}
	for _, n := range notes {
		_, err := models.ValidateNotification(n.Body)
		require.NoError(t, err, string(n.Body))
		types[n.ChangeType+" "+string(n.Status)] = true
	}
	for _, want := range []string{"OrderStatusChange PENDING", "OrderStatusChange UNSHIPPED", "OrderStatusChange SHIPPED", "OrderStatusChange CANCELLED", "BuyerRequestedChange UNSHIPPED"} {
		assert.True(t, types[want], want)
	}
	perOrder := map[string]int{}
	for _, n := range notes {
		perOrder[n.OrderID]++
	}
	for _, o := range s.srv.Orders() {
		assert.Positive(t, perOrder[o.ID], "order %s was announced", o.ID)
	}
}

func TestNotify_signs_with_HMAC_and_wraps_for_EventBridge(t *testing.T) {
	h := &hook{}
	srv, _ := pushingSim(t, h, func(c *simulator.Config) {
		c.Notify.Header, c.Notify.Token = "", ""
		c.Notify.HMACSecret, c.Notify.Envelope = "hmac-key", simulator.EnvelopeEventBridge
		c.Notify.SignatureHeader, c.Notify.TimestampHeader = "", "" // New fills in the defaults
	})
	_, err := srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "A1PA6795UKMFR9"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return h.count() == 1 }, componenttest.WaitLimit, time.Millisecond)

	r, body := h.got[0], h.bodies[0]
	// The engine's webhook defaults: X-Timestamp holds the wall clock's Unix
	// seconds (not the simulated time, here a manual clock at epoch) and
	// X-Signature "sha256=" and the hex HMAC-SHA256 of "<timestamp>.<body>".
	ts := r.Header.Get("X-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), time.Unix(sec, 0), time.Minute)
	mac := hmac.New(sha256.New, []byte("hmac-key"))
	mac.Write([]byte(ts + "." + string(body)))
	assert.Equal(t, "sha256="+hex.EncodeToString(mac.Sum(nil)), r.Header.Get("X-Signature"))

	var event struct {
		Version    string          `json:"version"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Region     string          `json:"region"`
		Detail     json.RawMessage `json:"detail"`
	}
	require.NoError(t, json.Unmarshal(body, &event))
	assert.Equal(t, "ORDER_CHANGE", event.DetailType)
	assert.Equal(t, "eu-west-1", event.Region)
	assert.Contains(t, event.Source, "aws.partner/sellingpartnerapi.amazon.com/")
	_, err = models.ValidateNotification(event.Detail)
	assert.NoError(t, err)
}

func TestNotify_delivers_every_notification_of_a_busy_hour_once(t *testing.T) {
	h := &hook{}
	srv, clock := pushingSim(t, h, func(c *simulator.Config) { c.OrdersPerHour = 600 })
	clock.Advance(time.Hour)
	srv.Sync()
	notes := srv.Notifications()
	require.Greater(t, len(notes), 1000)
	require.Eventually(t, func() bool { return h.count() >= len(notes) }, componenttest.WaitLimit, 5*time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]int{}
	for _, body := range h.bodies {
		hdr, err := models.ParseNotificationHeader(body)
		require.NoError(t, err)
		seen[hdr.ID]++
	}
	assert.Len(t, seen, len(notes))
	for id, n := range seen {
		assert.Equal(t, 1, n, "notification %s delivered once", id)
	}
}
