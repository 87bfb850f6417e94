package simulator

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// Application Management API 2023-11-30: rotateApplicationClientSecret.
// LWA accepts the current client secret and, after a rotation, the old one
// until its announced expiry (SecretRotationConfig.OldSecretGrace later);
// the new secret reaches the application only through the registered SQS
// queue, in an APPLICATION_OAUTH_CLIENT_NEW_SECRET notification.

// notEnrolled is the model's 400 for an application without a registered
// rotation queue.
const notEnrolled = "Application is not enrolled for rotation notification. Please update application notification preference in Developer console."

// appSecrets are the application's client secrets as LWA knows them.
type appSecrets struct {
	current string
	// expires is when current stops working (zero: never, while the
	// application is not enrolled for rotation).
	expires time.Time
	// old is the secret before the last rotation, accepted until
	// oldExpires.
	old        string
	oldExpires time.Time
	// announced is the expiry the last APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY
	// named (zero: none sent for the current secret).
	announced time.Time
	rotations int
}

// initSecrets sets the configured secret as the current one, issued when
// the simulator starts. The caller holds s.mu or owns s.
func (s *Server) initSecrets() {
	s.app = appSecrets{current: s.cfg.Credentials.ClientSecret}
	if s.cfg.SecretRotation.QueueURL != "" {
		s.app.expires = s.started.Add(s.cfg.SecretRotation.Lifetime)
	}
}

// acceptsSecret reports whether LWA accepts secret at now. The caller holds
// s.mu.
func (s *Server) acceptsSecret(secret string, now time.Time) bool {
	a := &s.app
	if equalSecret(secret, a.current) {
		return a.expires.IsZero() || now.Before(a.expires)
	}
	return a.old != "" && equalSecret(secret, a.old) && now.Before(a.oldExpires)
}

func (s *Server) rotateApplicationClientSecret(c *call) response {
	rc := s.cfg.SecretRotation
	if rc.QueueURL == "" {
		return errorResponse(http.StatusBadRequest, codeInvalidInput, notEnrolled, "")
	}
	a := &s.app
	a.old, a.oldExpires = a.current, c.now.Add(rc.OldSecretGrace)
	if !a.expires.IsZero() && a.expires.Before(a.oldExpires) {
		a.oldExpires = a.expires // a rotation never lengthens the old secret's life
	}
	a.current = fmt.Sprintf("amzn1.oa2-cs.v1.%016x%016x", s.idRNG.Uint64(), s.idRNG.Uint64())
	a.expires, a.announced = c.now.Add(rc.Lifetime), time.Time{}
	a.rotations++
	s.sendToSecretQueue(models.ApplicationOAuthClientNewSecret, c.now, map[string]any{
		"applicationOAuthClientNewSecret": map[string]string{
			"clientId": s.cfg.Credentials.ClientID, "newClientSecret": a.current,
			"newClientSecretExpiryTime": iso(a.expires), "oldClientSecretExpiryTime": iso(a.oldExpires),
		},
	})
	return response{status: http.StatusNoContent}
}

// announceExpiry sends APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY for the
// current secret, once per secret unless force. The caller holds s.mu.
func (s *Server) announceExpiry(now time.Time, force bool) bool {
	a := &s.app
	if s.cfg.SecretRotation.QueueURL == "" || a.expires.IsZero() || (!force && a.announced.Equal(a.expires)) {
		return false
	}
	a.announced = a.expires
	s.sendToSecretQueue(models.ApplicationOAuthClientSecretExpiry, now, map[string]any{
		"applicationOAuthClientSecretExpiry": map[string]string{
			"clientId": s.cfg.Credentials.ClientID, "clientSecretExpiryTime": iso(a.expires),
			"clientSecretExpiryReason": "PERIODIC_ROTATION",
		},
	})
	return true
}

// announceDue sends the expiry announcement once the current secret is
// within SecretRotationConfig.AnnounceBefore of its expiry. The world has
// no event for it: it is checked at every token exchange, which a running
// application makes at least hourly. The caller holds s.mu.
func (s *Server) announceDue(now time.Time) {
	before := s.cfg.SecretRotation.AnnounceBefore
	if before > 0 && !s.app.expires.IsZero() && !now.Before(s.app.expires.Add(-before)) {
		s.announceExpiry(now, false)
	}
}

// AnnounceSecretExpiry sends APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY for the
// current client secret to the registered queue now, as Amazon does ahead
// of a secret's expiry. It reports false when no queue is registered.
func (s *Server) AnnounceSecretExpiry() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.announceExpiry(s.advance(), true)
}

// ClientSecret returns the client secret LWA takes now and when it
// expires (zero while the application is not enrolled for rotation), for
// tests and operators of the sandbox.
func (s *Server) ClientSecret() (secret string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app.current, s.app.expires
}

// OldClientSecretExpiry returns when the secret replaced by the last
// rotation stops being accepted (zero before any rotation).
func (s *Server) OldClientSecretExpiry() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app.oldExpires
}
