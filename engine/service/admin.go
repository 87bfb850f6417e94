package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/activity"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// Re-exported dead-letter types for the CLI and the HTTP API.
type (
	// DeadLetter is one dead-letter record.
	DeadLetter = dlq.Record
	// DeadLetterFilter selects dead letters.
	DeadLetterFilter = dlq.Filter
	// DeadLetterGroup is the open records of a pipeline with one reason.
	DeadLetterGroup = dlq.Group
	// Resolution says how a dead letter was resolved.
	Resolution = dlq.Resolution
)

// Dead-letter statuses (DeadLetter.Status, DeadLetterFilter.Status).
const (
	StatusOpen     = dlq.StatusOpen
	StatusResolved = dlq.StatusResolved
)

// ErrNoDeadLetter is returned for an id that holds no record.
var ErrNoDeadLetter = dlq.ErrNotFound

// StateError says why an operation does not apply to a dead letter in its
// current state: already resolved, a replay pending, personal data gone.
// The API answers it with 409 Conflict.
type StateError struct {
	Seq uint64
	// Why completes "dead letter SEQ ...".
	Why string
}

func (e *StateError) Error() string { return fmt.Sprintf("dead letter %d %s", e.Seq, e.Why) }

func alreadyResolved(r *DeadLetter) error {
	res := r.Resolution
	if res == nil {
		return &StateError{Seq: r.Seq, Why: "is already resolved"}
	}
	why := fmt.Sprintf("is already resolved (%s at %s", res.How, res.At.Format(time.RFC3339))
	switch {
	case res.ReplacedBy != 0:
		why += fmt.Sprintf("; the replay failed again as dead letter %d", res.ReplacedBy)
	case res.Note != "":
		why += ": " + res.Note
	}
	return &StateError{Seq: r.Seq, Why: why + ")"}
}

// Admin reviews, resolves, drops and replays dead letters, in a running
// engine or on a stopped engine's data directory. It is safe for
// concurrent use.
type Admin struct {
	project  *config.Project
	js       jetstream.JetStream
	names    transport.Names
	store    *dlq.Store
	replays  jetstream.KeyValue
	clock    component.Clock
	metrics  *metrics
	policies map[string]*dlqPolicy
	keys     keyIndex
	activity *activity.Store
	dataDir  string
	// offline is set for a stopped engine's data: replays wait in the
	// stream until an engine runs, so nobody waits for their outcome.
	offline bool
	close   func()

	log *slog.Logger

	mu      sync.Mutex // guards jobs, order, and project and policies (a reload changes them)
	jobs    map[string]*jobRun
	order   []string // job ids, oldest first
	running sync.WaitGroup
	cancel  context.CancelFunc
	done    chan struct{}
}

func newAdmin(e *Engine) *Admin {
	return &Admin{project: e.project(), js: e.js, names: e.names, store: e.dlq, replays: e.replays, clock: e.clock, metrics: e.metrics, log: e.log,
		policies: newPolicies(e.project()), activity: e.activity, dataDir: e.dataDir, close: func() {}, jobs: map[string]*jobRun{}}
}

// Admin returns the engine's dead-letter administration.
func (e *Engine) Admin() *Admin { return e.admin }

// OpenAdmin opens the dead-letter administration of a stopped engine: it
// starts the embedded NATS server on the data directory (or connects to the
// project's external transport). It refuses a data directory that a
// running engine holds (ErrDataDirBusy). Close it when done.
func OpenAdmin(ctx context.Context, p *config.Project, dataDir, transportURL string) (*Admin, error) {
	e, err := New(Options{Project: p, DataDir: dataDir, TransportURL: transportURL})
	if err != nil {
		return nil, err
	}
	e.adminOnly = true
	if err := e.startTransport(ctx); err != nil {
		if e.conn != nil {
			e.conn.Close()
		}
		e.lock.release()
		return nil, err
	}
	a := e.admin
	a.offline = true
	a.close = func() {
		e.conn.Close()
		e.lock.release()
	}
	return a, nil
}

// Close releases what OpenAdmin opened.
func (a *Admin) Close() { a.close() }

// DataDir is the engine's data directory.
func (a *Admin) DataDir() string { return a.dataDir }

// List returns the dead letters matching f, oldest first.
func (a *Admin) List(ctx context.Context, f DeadLetterFilter) ([]*DeadLetter, error) {
	return a.store.List(ctx, f)
}

// Groups groups the dead letters matching f by pipeline and reason, largest
// group first, with up to examples summaries each.
func (a *Admin) Groups(ctx context.Context, f DeadLetterFilter, examples int) ([]*DeadLetterGroup, error) {
	recs, err := a.store.List(ctx, f)
	if err != nil {
		return nil, err
	}
	return dlq.GroupRecords(recs, examples), nil
}

// Get returns one dead letter.
func (a *Admin) Get(ctx context.Context, seq uint64) (*DeadLetter, error) {
	r, err := a.store.Get(ctx, seq)
	if errors.Is(err, dlq.ErrNotFound) {
		return nil, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	return r, err
}

// Drop deletes one dead letter for good.
func (a *Admin) Drop(ctx context.Context, seq uint64) error {
	err := a.store.Delete(ctx, seq)
	if errors.Is(err, dlq.ErrNotFound) {
		return fmt.Errorf("dead letter %d: %w", seq, err)
	}
	return err
}

// Resolve marks an open dead letter resolved by an operator, with a note
// saying what was done (required).
func (a *Admin) Resolve(ctx context.Context, seq uint64, note string) (*DeadLetter, error) {
	if note == "" {
		return nil, errors.New("resolving a dead letter needs a note saying what was done")
	}
	r, err := a.store.Update(ctx, seq, func(r *DeadLetter) error {
		if !r.Open() {
			return alreadyResolved(r)
		}
		r.Status = StatusResolved
		r.Resolution = &Resolution{How: dlq.ResolvedOperator, At: a.clock.Now().UTC(), Note: note}
		return nil
	})
	if errors.Is(err, dlq.ErrNotFound) {
		return nil, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	if err == nil {
		a.metrics.resolved.WithLabelValues(r.Pipeline, dlq.ResolvedOperator).Inc()
		a.recordResolved(r)
	}
	return r, err
}

// Mask returns r with the personal data of its pipeline masked (r itself
// is not changed).
func (a *Admin) Mask(r *DeadLetter) *DeadLetter {
	m := *r
	dlq.Scrub(&m, a.policy(r.Pipeline).paths, dlq.Masked)
	return &m
}

// Present prepares a record for output: a summary (no bodies) unless
// full, masked when mask is set or the pipeline masks always
// (dead_letters.mask_personal_data).
func (a *Admin) Present(r *DeadLetter, full, mask bool) *DeadLetter {
	if !full {
		r = r.Summary()
	}
	if mask || a.policy(r.Pipeline).cfg.MaskPersonalData {
		r = a.Mask(r)
	}
	return r
}
