package spapi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// applicationNote is the part of the application notifications the
// rotation reads (APPLICATION_OAUTH_CLIENT_NEW_SECRET and
// APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY).
type applicationNote struct {
	EventTime time.Time `json:"eventTime"`
	Payload   struct {
		NewSecret *struct {
			ClientID        string    `json:"clientId"`
			NewClientSecret string    `json:"newClientSecret"`
			NewExpiry       time.Time `json:"newClientSecretExpiryTime"`
			OldExpiry       time.Time `json:"oldClientSecretExpiryTime"`
		} `json:"applicationOAuthClientNewSecret"`
		Expiry *struct {
			ClientID string    `json:"clientId"`
			Expiry   time.Time `json:"clientSecretExpiryTime"`
			Reason   string    `json:"clientSecretExpiryReason"`
		} `json:"applicationOAuthClientSecretExpiry"`
	} `json:"payload"`
}

// receiveLoop long-polls the rotation queue until ctx ends. Handled
// messages are deleted; others come back after their visibility timeout.
func (r *rotator) receiveLoop(ctx context.Context) {
	pause := time.Second
	for ctx.Err() == nil {
		batch, err := r.queue.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.log.Warn("receiving from the client-secret rotation queue failed; retrying", "retry_in", pause, "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(pause):
			}
			pause = min(2*pause, time.Minute)
			continue
		}
		pause = time.Second
		for _, m := range batch.Messages {
			if r.handle(ctx, m.ID, m.Body) {
				if err := batch.Delete(ctx, m); err != nil && ctx.Err() == nil {
					r.log.Warn("could not delete a handled message from the rotation queue; it comes back and is handled again", "message_id", m.ID, "error", err)
				}
			}
		}
		batch.Close()
	}
}

// handle acts on one message and reports whether to delete it. Messages
// for another application stay on the queue. Nothing here logs a body or
// a validation error, which may quote the secret.
func (r *rotator) handle(ctx context.Context, id string, body []byte) bool {
	h, err := models.ValidateNotification(body)
	var note applicationNote
	if err == nil {
		err = json.Unmarshal(body, &note)
	}
	if err != nil {
		r.log.Warn("deleting a message of the rotation queue that is not a valid application notification", "message_id", id, "type", h.Type)
		return true
	}
	switch {
	case h.Type == models.ApplicationOAuthClientNewSecret && note.Payload.NewSecret != nil && note.Payload.NewSecret.ClientID == r.clientID:
		return r.received(ctx, note) == nil
	case h.Type == models.ApplicationOAuthClientSecretExpiry && note.Payload.Expiry != nil && note.Payload.Expiry.ClientID == r.clientID:
		return r.announced(ctx, note) == nil
	}
	r.log.Debug("leaving a message for another application or type on the rotation queue", "message_id", id, "type", h.Type)
	return false
}

// received stores a new secret in the shared record and switches to it. A
// redelivered or older notification changes nothing.
func (r *rotator) received(ctx context.Context, note applicationNote) error {
	p := note.Payload.NewSecret
	issued := note.EventTime
	if issued.IsZero() {
		issued = r.clock.Now()
	}
	rec, err := r.store.update(ctx, r.clock.Now(), func(rec *secretRecord) bool {
		if rec.Secret == p.NewClientSecret || issued.Before(rec.RotatedAt) {
			return false
		}
		rec.Generation++
		rec.Secret, rec.RotatedAt, rec.Expires, rec.OldExpires = p.NewClientSecret, issued, p.NewExpiry, p.OldExpiry
		rec.Claim, rec.LastError = nil, ""
		return true
	})
	if err == nil {
		err = r.follow(rec)
	}
	if err != nil {
		r.log.Warn("could not take the new client secret into use; the message stays on the queue", "error", err)
		return err
	}
	r.log.Info("received a new LWA client secret", "generation", rec.Generation, "old_secret_expires", p.OldExpiry)
	r.wake()
	return nil
}

// announced records Amazon's expiry announcement; the next check rotates
// unless a rotation happened since.
func (r *rotator) announced(ctx context.Context, note applicationNote) error {
	p := note.Payload.Expiry
	at := note.EventTime
	if at.IsZero() {
		at = r.clock.Now()
	}
	_, err := r.store.update(ctx, r.clock.Now(), func(rec *secretRecord) bool {
		if rec.Generation > 0 && !at.After(rec.RotatedAt) {
			return false // announced for a secret already replaced
		}
		rec.AnnouncedAt, rec.Expires = at, p.Expiry
		return true
	})
	if err != nil {
		r.log.Warn("could not record the client-secret expiry announcement; the message stays on the queue", "error", err)
		return err
	}
	r.log.Warn("Amazon announced the LWA client secret's expiry; rotating", "expires", p.Expiry, "reason", p.Reason)
	r.wake()
	return nil
}

// wake makes the check loop (and a rotation waiting for its secret) look
// again now.
func (r *rotator) wake() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}
