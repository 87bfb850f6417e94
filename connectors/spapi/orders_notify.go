package spapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// ORDER_CHANGE notifications are triggers: the handler records a pending
// fetch per order in State (so several notifications for one order
// collapse) before answering 2xx and wakes the notification loop, which
// drains the records with one getOrder each (one poll per order), through
// the shared rate limiter.

const (
	pendingPrefix = "pending/"
	// drainEvery is how often the loop looks for pending fetches besides
	// being woken by the handler (records left by a restart or a failure).
	drainEvery = time.Minute
	// maxStaleFetches bounds how often an order is fetched while Amazon does
	// not yet show the notified change; polling covers it after that.
	maxStaleFetches = 5
)

// amazonIDPattern matches the ids notifications carry (orders, reports,
// feeds), before they go into State keys and call paths.
var amazonIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// pendingFetch is the State record of a notified order change.
type pendingFetch struct {
	// Time is the newest notified change (TimeOfOrderChange).
	Time time.Time `json:"time"`
	// NotificationID is the latest notification's id.
	NotificationID string `json:"notification_id"`
	// Notification is the latest notification, for the dead-letter record.
	Notification json.RawMessage `json:"notification"`
	// Stale counts fetches that returned an older version than Time.
	Stale int `json:"stale,omitempty"`
}

type orderChange struct {
	EventTime string `json:"EventTime"`
	Payload   struct {
		OrderChangeNotification struct {
			AmazonOrderID      string `json:"AmazonOrderId"`
			OrderChangeTrigger struct {
				TimeOfOrderChange string `json:"TimeOfOrderChange"`
			} `json:"OrderChangeTrigger"`
		} `json:"OrderChangeNotification"`
	} `json:"Payload"`
}

// recordChange is the intake's handler of ORDER_CHANGE notifications: it
// records a pending fetch of the changed order (or nothing, when the
// notified version was published already) and wakes the notification
// loop; the endpoint answers 2xx only then.
func (s *ordersSource) recordChange(ctx context.Context, n *notification) (string, error) {
	if n.header.Type != models.OrderChange {
		return "", component.Permanentf("this path takes ORDER_CHANGE notifications, not %s", n.header.Type)
	}
	var oc orderChange
	_ = json.Unmarshal(n.body, &oc) // validated against the schema already
	id := oc.Payload.OrderChangeNotification.AmazonOrderID
	if !amazonIDPattern.MatchString(id) {
		return "", component.Permanentf("AmazonOrderId %q is not an order id", id)
	}
	when, err := time.Parse(time.RFC3339, cmp.Or(oc.Payload.OrderChangeNotification.OrderChangeTrigger.TimeOfOrderChange, oc.EventTime))
	if err != nil {
		return "", component.Permanentf("the notification has no valid TimeOfOrderChange or EventTime")
	}
	if s.seen.covers(id, when) {
		return n.header.ID, nil // this order version was published already
	}
	if err := s.recordPending(ctx, id, pendingFetch{Time: when, NotificationID: n.header.ID, Notification: n.body}); err != nil {
		return "", fmt.Errorf("spapi.orders: recording the notification of order %s: %w", id, err)
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return n.header.ID, nil
}

// recordPending stores p for order id, keeping the later change time when a
// record exists.
func (s *ordersSource) recordPending(ctx context.Context, id string, p pendingFetch) error {
	if old, err := s.loadPending(ctx, id); err == nil && old.Time.After(p.Time) {
		p.Time = old.Time
	}
	return putJSON(ctx, s.set.State, pendingPrefix+id, p)
}

// loadPending reads the pending fetch of order id (component.ErrNotFound
// when there is none).
func (s *ordersSource) loadPending(ctx context.Context, id string) (pendingFetch, error) {
	var p pendingFetch
	data, err := s.set.State.Get(ctx, pendingPrefix+id)
	if err != nil {
		return p, err
	}
	return p, json.Unmarshal(data, &p)
}

// drain fetches the next pending order of the round (see stateRound); a
// fetch that fails leaves its record for the next round.
func (s *ordersSource) drain(ctx context.Context, _ []byte) (component.Batch, error) {
	b, err := s.round.next(ctx, s.set.State, s.fetchPending, func(id string, err error) {
		s.set.Logger.Warn("spapi.orders: fetching a notified order failed", "order_id", id, "error", err)
	})
	if err != nil && ctx.Err() == nil {
		return b, fmt.Errorf("spapi.orders: listing pending fetches: %w", err)
	}
	return b, err
}

// fetchPending handles the pending fetch of one order: one getOrder, and a
// batch whose Ack drops the record unless a newer change arrived
// meanwhile. A batch without Ack means there was nothing to publish.
func (s *ordersSource) fetchPending(ctx context.Context, id string) (component.Batch, error) {
	p, err := s.loadPending(ctx, id)
	if errors.Is(err, component.ErrNotFound) {
		return component.Batch{}, nil
	}
	if err != nil {
		return component.Batch{}, err
	}
	if s.seen.covers(id, p.Time) {
		return component.Batch{}, s.set.State.Delete(ctx, pendingPrefix+id)
	}
	q := map[string][]string{}
	if len(s.cfg.IncludedData) > 0 {
		q["includedData"] = s.cfg.IncludedData
	}
	resp, err := s.api.Do(ctx, &client.Request{Operation: s.getOp, Path: map[string]string{"orderId": id}, Query: q})
	if err != nil {
		if !component.IsPermanent(err) {
			return component.Batch{}, err // the record stays: the next round retries
		}
		dl := component.NewMessage(p.NotificationID, nil)
		if v, derr := component.DecodeJSON(p.Notification); derr == nil {
			dl.Body = v
		}
		if err := s.set.DeadLetter.DeadLetter(ctx, dl, fmt.Errorf("getOrder %s for an ORDER_CHANGE notification: %w", id, err)); err != nil {
			return component.Batch{}, err
		}
		return component.Batch{}, s.set.State.Delete(ctx, pendingPrefix+id)
	}
	v, err := resp.Value()
	if err != nil {
		return component.Batch{}, err
	}
	body, _ := v.(map[string]any)
	order, _ := body["order"].(map[string]any)
	b, err := s.orderBatch(ctx, []any{order}, "notification")
	if err != nil {
		return component.Batch{}, err
	}
	recorded := b.Ack
	b.Ack = func(ctx context.Context) error {
		if err := recorded(ctx); err != nil {
			return err
		}
		return s.settlePending(ctx, id, p)
	}
	return b, nil
}

// settlePending drops the record of order id once the published version
// covers every notified change; a version older than the notification
// (Amazon not yet showing the change) keeps it for a later drain, a few
// times.
func (s *ordersSource) settlePending(ctx context.Context, id string, fetched pendingFetch) error {
	cur, err := s.loadPending(ctx, id)
	if err != nil {
		return nil // gone already
	}
	if s.seen.covers(id, cur.Time) {
		return s.set.State.Delete(ctx, pendingPrefix+id)
	}
	if cur.Time.After(fetched.Time) {
		return nil // a newer change arrived during the fetch: fetch again
	}
	cur.Stale++
	if cur.Stale >= maxStaleFetches {
		s.set.Logger.Warn("spapi.orders: Amazon does not show a notified change yet; leaving it to polling", "order_id", id)
		return s.set.State.Delete(ctx, pendingPrefix+id)
	}
	return putJSON(ctx, s.set.State, pendingPrefix+id, cur)
}
