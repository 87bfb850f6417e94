package spapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/engine/component"
)

// rotator rotates a connection's LWA client secret and keeps every engine
// on the current one. Each engine of a project runs one per rotating
// connection: all of them receive from the rotation queue and follow the
// shared record (rotation_record.go); the one whose claim on the record
// succeeds calls rotateApplicationClientSecret. Whichever engine receives
// the new secret stores it in the record; each engine then writes its own
// secret file and switches its token source (secretUser), so calls go on
// without a failure: LWA accepts the old secret until its expiry, days
// after the switch. The secret is never logged.
type rotator struct {
	cfg      RotationConfig
	clientID string
	file     string // absolute path of the secret file
	store    recordStore
	use      func(secret string) // switches the token source
	rotate   func(ctx context.Context) error
	queue    *sqsrecv.Receiver
	clock    component.Clock
	log      *slog.Logger
	owner    string
	metrics  *rotationMetrics
	kick     chan struct{}
	checkMu  sync.Mutex // one check at a time: the schedule's and RotateSecret's

	mu      sync.Mutex
	current string       // the secret in use
	gen     int          // the record generation in use
	rec     secretRecord // the record as last read
	retryAt time.Time    // no scheduled rotation before (after a failure)
}

// retryPause is how long a failed rotation waits before the schedule tries
// again (rotateApplicationClientSecret allows one call a minute; a
// misconfigured queue would otherwise be retried every check).
const retryPause = time.Hour

// newOwner names this engine in rotation claims.
func newOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// run receives from the queue and checks the schedule until ctx ends.
func (r *rotator) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.receiveLoop(ctx)
	}()
	defer wg.Wait()
	for {
		if err := r.check(ctx, false); err != nil && ctx.Err() == nil {
			r.log.Warn("client-secret rotation check failed; trying again later", "error", err)
		}
		if _, err := component.SleepOrWake(ctx, r.clock, r.cfg.CheckEvery.D(), r.kick); err != nil {
			return
		}
	}
}

// errRecordMoved is rotateNow's answer when the record changed between its
// read and the claim: another engine wrote it first.
var errRecordMoved = errors.New("the rotation record changed before it could be claimed")

// claimAttempts bounds how often a forced check reads the record again
// when another engine's write beat its claim.
const claimAttempts = 3

// check follows the shared record (another engine's rotation), adopts a
// secret file changed by hand or by the rotate-secret command, and rotates
// when the secret is due (force: now). The checks of one engine run one at
// a time. A scheduled check whose claim loses to another engine's write
// leaves the rotation to that engine; a forced one reads the record again
// and rotates, or reports the engine that is rotating: it never returns
// nil without a rotation.
func (r *rotator) check(ctx context.Context, force bool) error {
	r.checkMu.Lock()
	defer r.checkMu.Unlock()
	for attempt := 1; ; attempt++ {
		err := r.checkOnce(ctx, force)
		switch {
		case !errors.Is(err, errRecordMoved):
			return err
		case !force:
			return nil // another engine got there first
		case attempt == claimAttempts:
			return err
		}
	}
}

// checkOnce is one check: errRecordMoved when a claim lost to another write.
func (r *rotator) checkOnce(ctx context.Context, force bool) error {
	now := r.clock.Now()
	rec, rev, err := r.store.load(ctx, now)
	if err != nil {
		return err
	}
	if err := r.follow(rec); err != nil {
		return err
	}
	if err := r.adoptFile(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	paused := now.Before(r.retryAt)
	r.mu.Unlock()
	if !force && (paused || !r.due(rec, now)) {
		return nil
	}
	if c := rec.Claim; c != nil && now.Sub(c.At) < r.cfg.Wait.D() {
		if force {
			return fmt.Errorf("engine %s is rotating the client secret since %s", c.Owner, c.At.UTC().Format(time.RFC3339))
		}
		return nil // another engine is rotating
	}
	return r.rotateNow(ctx, rec, rev)
}

// due reports whether the secret should be rotated: it is older than
// Every, or Amazon announced its expiry after it was issued.
func (r *rotator) due(rec secretRecord, now time.Time) bool {
	return now.Sub(rec.issued()) >= r.cfg.Every.D() || rec.announcedForCurrent()
}

// rotateNow claims the record, calls rotateApplicationClientSecret and
// waits until the new secret is in the record (any engine's queue receive
// puts it there).
func (r *rotator) rotateNow(ctx context.Context, rec secretRecord, rev uint64) error {
	now := r.clock.Now()
	claimed := rec
	claimed.Claim = &rotationClaim{Owner: r.owner, At: now}
	if _, err := r.store.put(ctx, claimed, rev); errors.Is(err, component.ErrConflict) {
		return errRecordMoved
	} else if err != nil {
		return fmt.Errorf("claiming the rotation: %w", err)
	}
	r.log.Info("rotating the LWA client secret", "generation", rec.Generation+1, "secret_age", now.Sub(rec.issued()).Round(time.Second).String())
	err := r.rotate(ctx)
	if err == nil {
		err = r.awaitGeneration(ctx, rec.Generation)
	}
	if err != nil {
		r.metrics.rotations.WithLabelValues("failed").Inc()
		r.release(ctx, err)
		r.mu.Lock()
		r.retryAt = r.clock.Now().Add(retryPause)
		r.mu.Unlock()
		return fmt.Errorf("rotating the client secret (the schedule tries again in %s): %w", retryPause, err)
	}
	r.metrics.rotations.WithLabelValues("rotated").Inc()
	return nil
}

// awaitGeneration waits until the record is past generation gen and this
// engine uses it, for at most the configured wait (the engine's clock).
func (r *rotator) awaitGeneration(ctx context.Context, gen int) error {
	deadline := r.clock.Now().Add(r.cfg.Wait.D())
	for {
		r.mu.Lock()
		done := r.gen > gen
		r.mu.Unlock()
		if done {
			return nil
		}
		rec, _, err := r.store.load(ctx, r.clock.Now())
		if err == nil && rec.Generation > gen {
			if err := r.follow(rec); err != nil {
				return err
			}
			continue
		}
		if err := r.adoptFile(ctx); err != nil { // another process got it
			return err
		}
		if !r.clock.Now().Before(deadline) {
			return fmt.Errorf("no new secret arrived on the rotation queue within %s", r.cfg.Wait.D())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.kick:
		case <-time.After(time.Second):
		}
	}
}

// release drops this engine's claim after a failed rotation.
func (r *rotator) release(ctx context.Context, cause error) {
	ctx = context.WithoutCancel(ctx)
	rec, err := r.store.update(ctx, r.clock.Now(), func(rec *secretRecord) bool {
		if rec.Claim == nil || rec.Claim.Owner != r.owner {
			return false
		}
		rec.Claim, rec.LastError = nil, cause.Error()
		return true
	})
	if err != nil {
		r.log.Warn("could not release the rotation claim; it lapses after the rotation wait", "error", err)
		return
	}
	r.mu.Lock()
	r.rec = rec
	r.mu.Unlock()
}

// follow switches to the record's secret when it is newer than the one in
// use: the secret file first, then the token source.
func (r *rotator) follow(rec secretRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rec = rec
	if rec.Secret == "" || rec.Generation <= r.gen {
		return nil
	}
	if onDisk, err := readSecretFile(r.file); err != nil || onDisk != rec.Secret {
		if err := writeSecretFile(r.file, rec.Secret); err != nil {
			return err
		}
	}
	r.use(rec.Secret)
	r.current, r.gen = rec.Secret, rec.Generation
	r.log.Info("now using the rotated LWA client secret", "generation", rec.Generation, "file", r.file)
	return nil
}

// adoptFile takes a secret file changed outside the engine (the
// rotate-secret command, an operator) into use and into the record. The
// file is read under r.mu, which follow holds while it writes the file and
// switches the secret in use, so a read never sees the file older than the
// secret it is compared with; and the record is changed only if it is
// still at the generation in use then: a new secret stored meanwhile (this
// engine's receive, another engine) wins over what the file held before it.
func (r *rotator) adoptFile(ctx context.Context) error {
	r.mu.Lock()
	onDisk, err := readSecretFile(r.file)
	changed := err == nil && onDisk != "" && onDisk != r.current
	gen := r.gen
	r.mu.Unlock()
	if !changed {
		return err
	}
	issued := r.clock.Now()
	if st, err := os.Stat(r.file); err == nil {
		issued = st.ModTime()
	}
	rec, err := r.store.update(ctx, issued, func(rec *secretRecord) bool {
		if rec.Secret == onDisk || rec.Generation != gen {
			return false
		}
		rec.Generation++
		rec.Secret, rec.RotatedAt, rec.Claim = onDisk, issued, nil
		return true
	})
	if err != nil {
		return err
	}
	return r.follow(rec)
}
