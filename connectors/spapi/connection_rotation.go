package spapi

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// errNoRotation is returned by RotateSecret for a connection without
// credentials.rotation.
var errNoRotation = errors.New("the connection has no credentials.rotation")

// startRotation starts the client-secret rotation of a connection whose
// options configure it. The caller holds c.mu.
func (c *Connection) startRotation(ctx context.Context) error {
	rc := c.cfg.Credentials.Rotation
	if rc == nil {
		return nil
	}
	cfg := rc.withDefaults()
	log := c.set.Logger.With("rotation", "lwa-client-secret")
	queue, err := newRotationReceiver(ctx, cfg, c.cfg.Notifications.SQS.access(), c.set.Clock, log)
	if err != nil {
		return err
	}
	file := cfg.SecretFile
	if !filepath.IsAbs(file) {
		file = filepath.Join(c.set.Dir, file)
	}
	shared := c.set.Shared
	if shared == nil {
		shared = newLocalShared()
	}
	tokens := c.tokens
	r := &rotator{
		cfg: cfg, clientID: c.cfg.Credentials.ClientID, file: file,
		store: recordStore{shared: shared, key: secretKey(c.cfg.Credentials.ClientID)},
		use:   tokens.SetClientSecret, rotate: c.callRotate, queue: queue,
		clock: c.set.Clock, log: log, owner: newOwner(),
		kick: make(chan struct{}, 1), current: c.cfg.Credentials.ClientSecret,
	}
	if onDisk, err := readSecretFile(file); err != nil || onDisk != r.current {
		r.log.Warn("credentials.client_secret does not hold the content of credentials.rotation.secret_file: a rotated secret would not be read at the next start; write client_secret: ${file:...} with that file", "file", file)
	}
	r.metrics = newRotationMetrics(c.set.Metrics, r)
	c.rotator = r
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.run(ctx)
	}()
	c.stopRotation = func() { cancel(); <-done }
	return nil
}

// callRotate asks Amazon for a new client secret
// (rotateApplicationClientSecret, grantless); it arrives on the queue.
func (c *Connection) callRotate(ctx context.Context) error {
	_, err := c.api().Do(ctx, &client.Request{Operation: models.MustLookupOperation("rotateApplicationClientSecret")})
	return err
}

// RotateSecret rotates the client secret now and returns once the new one
// is written to the secret file and in use, or the rotation failed (no
// queue registered, nothing arrived within credentials.rotation.wait,
// another engine rotating).
func (c *Connection) RotateSecret(ctx context.Context) error {
	c.mu.Lock()
	r := c.rotator
	c.mu.Unlock()
	if r == nil {
		return errNoRotation
	}
	return r.check(ctx, true)
}

// SecretStatus returns the client secret's rotation status; ok is false
// for a connection without credentials.rotation.
func (c *Connection) SecretStatus() (st SecretStatus, ok bool) {
	c.mu.Lock()
	r := c.rotator
	c.mu.Unlock()
	if r == nil {
		return SecretStatus{}, false
	}
	return r.status(), true
}

// Warnings returns what an operator should act on about the connection's
// credentials (a client secret due for rotation or about to expire, a
// failed rotation); the console shows them.
func (c *Connection) Warnings() []string {
	c.mu.Lock()
	r := c.rotator
	c.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.warnings()
}
