package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
)

// The push delivers each notification where delivery.go routes it: to an
// SQS queue, or over HTTP (standing in for EventBridge, or for a consumer
// forwarding an SQS queue), until the send succeeds (SendMessage, or a 2xx
// answer), a failed one coming back after Notify.Redelivery of simulated
// time, as an unacknowledged SQS message does.

// pushWorkers is how many pushes may be in flight at once (SQS consumers
// work in parallel too, so order is not guaranteed).
const pushWorkers = 4

// enqueue queues n for the push. The caller holds s.mu.
func (s *Server) enqueue(n *Notification) {
	s.outbox = append(s.outbox, n)
	s.kickPusher()
}

// kickPusher wakes a push worker.
func (s *Server) kickPusher() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// runNotifier is a push worker: it pushes queued notifications until ctx
// ends.
func (s *Server) runNotifier(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		for n := s.dequeue(); n != nil; n = s.dequeue() {
			err := s.push(ctx, n)
			if ctx.Err() != nil {
				return
			}
			s.settle(n, err)
		}
	}
}

func (s *Server) dequeue() *Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.outbox) == 0 {
		return nil
	}
	n := s.outbox[0]
	s.outbox = s.outbox[1:]
	s.pushing[n.ID] = n
	if len(s.outbox) > 0 {
		s.kickPusher() // let another worker help
	}
	return n
}

// settle records a push; a failed one is redelivered later.
func (s *Server) settle(n *Notification, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pushing, n.ID)
	n.Attempts++
	if err == nil {
		n.Delivered, n.LastError = true, ""
		if s.pushFailing {
			s.pushFailing = false
			s.cfg.Logger.Info("notification pushes succeed again", "url", s.cfg.Notify.URL)
		}
		return
	}
	n.LastError = err.Error()
	// One warning while pushes keep failing (a stopped receiver would
	// otherwise log a line per notification); the rest at debug.
	log := s.cfg.Logger.Debug
	if !s.pushFailing {
		s.pushFailing, log = true, s.cfg.Logger.Warn
	}
	log("notification push failed; redelivering later (further failures are logged at debug until a push succeeds)",
		"order", n.OrderID, "notification", n.ID, "attempts", n.Attempts, "error", err)
	s.schedule(&event{at: s.clock.Now().Add(s.cfg.Notify.Redelivery), kind: evRedeliver, ref: n.ID})
}

// push delivers one notification where routeOf sends it now.
func (s *Server) push(ctx context.Context, n *Notification) error {
	s.mu.Lock()
	r, why := s.routeOf(n)
	s.mu.Unlock()
	switch r.kind {
	case routeSQS:
		return s.sendSQS(ctx, r, n)
	case routeEventBridge:
		return s.post(ctx, r.url, s.eventBridgeEvent(n))
	case routeURL:
		body := n.Body
		if s.cfg.Notify.Envelope == EnvelopeEventBridge {
			body = s.eventBridgeEvent(n)
		}
		return s.post(ctx, r.url, body)
	}
	return fmt.Errorf("notification has nowhere to go: %s", why)
}

// post POSTs a notification body to url, with the auth header or HMAC
// signature.
func (s *Server) post(ctx context.Context, url string, body []byte) error {
	cfg := s.cfg.Notify
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building push: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if cfg.Header != "" {
		req.Header.Set(cfg.Header, cfg.Token)
	}
	if cfg.HMACSecret != "" {
		// Signed with the wall clock, as real senders do, whatever the
		// simulated time: the receiver checks the timestamp against its
		// wall clock.
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set(cfg.TimestampHeader, ts)
		req.Header.Set(cfg.SignatureHeader, webhook.Sign(cfg.HMACSecret, ts, body))
	}
	resp, err := s.pushHTTP.Do(req)
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may hold a secret: keep it out of the error
		}
		return fmt.Errorf("pushing notification: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("pushing notification: the endpoint answered %s", resp.Status)
	}
	return nil
}

// eventBridgeEvent wraps a notification as the event an EventBridge partner
// event source delivers, with the notification as its detail. The event id
// stays the same on redelivery.
func (s *Server) eventBridgeEvent(n *Notification) []byte {
	s.mu.Lock()
	region := "us-east-1"
	if o := s.orders[n.OrderID]; o != nil && o.TaxIncluded {
		region = "eu-west-1"
	}
	s.mu.Unlock()
	event := map[string]any{
		"version": "0", "id": n.ID, "detail-type": n.typ(),
		"source":  "aws.partner/sellingpartnerapi.amazon.com/" + applicationID,
		"account": "123456789012", "time": n.LastUpdated.UTC().Format(time.RFC3339), "region": region,
		"resources": []string{}, "detail": json.RawMessage(n.Body),
	}
	data, _ := encodeJSON(event) // a raw JSON detail and strings: cannot fail
	return data
}
