package spapi

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// The notification intake of spapi.orders and spapi.notifications is the
// shared webhook endpoint (connectors/internal/webhook: method, auth, body
// limit, JSON, 2xx only once the handler made the request durable, 503
// otherwise) with a HandleFunc that reads the body as an SP-API
// notification.

// notification is a verified notification, validated against Amazon's
// schema of its type.
type notification struct {
	header models.NotificationHeader
	// body is the notification JSON (an EventBridge detail unwrapped).
	body []byte
	// receivedAt is when the request arrived (engine clock).
	receivedAt time.Time
}

// notificationFunc makes a notification durable (records or publishes it)
// and returns the id the answer reports; errors are answered as
// webhook.HandleFunc's are (permanent 400, other 503).
type notificationFunc func(ctx context.Context, n *notification) (string, error)

// newIntake returns the endpoint serving opts.Path: each verified request
// is unwrapped (EventBridge), validated as a notification and passed to
// handle. A body that is not a valid notification is answered 400.
func newIntake(opts *webhook.Options, set component.Settings, handle notificationFunc) (*webhook.Endpoint, error) {
	return webhook.New(opts, set, "spapi", func(ctx context.Context, req *webhook.Request) (string, error) {
		n, err := readNotification(req.Raw)
		if err != nil {
			return "", err
		}
		n.receivedAt = req.ReceivedAt
		return handle(ctx, n)
	})
}

// readNotification unwraps and validates a request body; its errors are
// permanent.
func readNotification(raw []byte) (*notification, error) {
	body := unwrapEventBridge(raw)
	h, err := models.ValidateNotification(body)
	if err != nil {
		return nil, component.Permanent(err)
	}
	if h.ID == "" {
		return nil, component.Permanentf("notification has no NotificationMetadata.NotificationId")
	}
	return &notification{header: h, body: body}, nil
}

// unwrapEventBridge returns the detail of an EventBridge event, or body
// itself when it is not one.
func unwrapEventBridge(body []byte) []byte {
	var ev struct {
		DetailType string          `json:"detail-type"`
		Detail     json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &ev) != nil || ev.DetailType == "" || len(bytes.TrimSpace(ev.Detail)) == 0 {
		return body
	}
	return ev.Detail
}
