package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// Re-exported dead-letter types for the CLI and the HTTP API.
type (
	// DeadLetter is one dead-letter record.
	DeadLetter = dlq.Record
	// DeadLetterFilter selects dead letters.
	DeadLetterFilter = dlq.Filter
)

// ErrNoDeadLetter is returned for a sequence that holds no record.
var ErrNoDeadLetter = dlq.ErrNotFound

const metaReplayOf = "pw-replay-of"

// Admin reviews, drops and replays dead letters, in a running engine or on
// a stopped engine's data directory.
type Admin struct {
	project *config.Project
	js      jetstream.JetStream
	names   transport.Names
	store   *dlq.Store
	replays jetstream.KeyValue
	clock   component.Clock
	close   func()
}

// ReplayOutcome is what became of a replayed dead letter.
type ReplayOutcome struct {
	ReplayID string `json:"replay_id"`
	// Status is "pending" (not processed yet), "ok" or "failed".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// DLQSeq is the new record when the replay failed again.
	DLQSeq uint64    `json:"dlq_seq,omitempty"`
	At     time.Time `json:"at"`
}

type replayOutcome = ReplayOutcome

// Admin returns the engine's dead-letter administration.
func (e *Engine) Admin() *Admin {
	return &Admin{project: e.project, js: e.js, names: e.names, store: e.dlq, replays: e.replays, clock: e.clock, close: func() {}}
}

// OpenAdmin opens the dead-letter administration of a stopped engine: it
// starts the embedded NATS server on the data directory (or connects to the
// project's external transport). Close it when done.
func OpenAdmin(ctx context.Context, p *config.Project, dataDir, transportURL string) (*Admin, error) {
	e, err := New(Options{Project: p, DataDir: dataDir, TransportURL: transportURL})
	if err != nil {
		return nil, err
	}
	if err := e.startTransport(ctx); err != nil {
		return nil, err
	}
	a := e.Admin()
	a.close = e.conn.Close
	return a, nil
}

// Close releases what OpenAdmin opened.
func (a *Admin) Close() { a.close() }

// List returns the dead letters matching f, oldest first.
func (a *Admin) List(ctx context.Context, f DeadLetterFilter) ([]*DeadLetter, error) {
	return a.store.List(ctx, f)
}

// Get returns one dead letter.
func (a *Admin) Get(ctx context.Context, seq uint64) (*DeadLetter, error) {
	return a.store.Get(ctx, seq)
}

// Drop deletes one dead letter.
func (a *Admin) Drop(ctx context.Context, seq uint64) error { return a.store.Delete(ctx, seq) }

// Replay sends a dead letter back into its pipeline at the step that failed
// (body replaces the recorded step input when not nil), removes the record
// and returns the replay id to follow with Outcome.
func (a *Admin) Replay(ctx context.Context, seq uint64, body json.RawMessage) (string, error) {
	rec, err := a.store.Get(ctx, seq)
	if err != nil {
		return "", err
	}
	if _, ok := a.project.Pipeline(rec.Pipeline); !ok {
		return "", fmt.Errorf("dead letter %d belongs to pipeline %q, which this directory does not define", seq, rec.Pipeline)
	}
	input := rec.Input
	if body != nil {
		input = body
	}
	v, err := component.DecodeJSON(input)
	if err != nil {
		return "", fmt.Errorf("replay body: %w", err)
	}
	id := fmt.Sprintf("r%d-%d", seq, a.clock.Now().UnixNano())
	msg := &component.Message{ID: rec.ID + "#replay-" + strconv.FormatUint(seq, 10), Body: v, Metadata: map[string]string{}}
	for k, val := range rec.Metadata {
		msg.Metadata[k] = val
	}
	msg.SetMeta(transport.MetaReplayID, id)
	msg.SetMeta(metaReplayOf, strconv.FormatUint(seq, 10))
	if rec.Sink != "" {
		msg.SetMeta(metaResumeSink, rec.Sink)
	} else {
		msg.SetMeta(transport.MetaResumeStep, strconv.Itoa(rec.StepIndex))
	}
	if len(rec.Vars) > 0 {
		vars, err := component.DecodeJSON(rec.Vars)
		if err == nil {
			msg.Vars, _ = vars.(map[string]any)
		}
	}
	// The outcome is pending before the message is published: a replay that
	// is processed at once must not have its result overwritten.
	if err := a.putOutcome(ctx, &ReplayOutcome{ReplayID: id, Status: "pending", At: a.clock.Now().UTC()}); err != nil {
		return "", err
	}
	if err := a.publish(ctx, rec.Pipeline, msg); err != nil {
		_ = a.replays.Delete(ctx, id)
		return "", err
	}
	if err := a.store.Delete(ctx, seq); err != nil && !errors.Is(err, dlq.ErrNotFound) {
		return "", err
	}
	return id, nil
}

func (a *Admin) publish(ctx context.Context, pipeline string, msg *component.Message) error {
	wm, err := transport.ToWire(msg)
	if err != nil {
		return err
	}
	nm, err := (&wmnats.NATSMarshaler{}).Marshal(a.names.Subject(pipeline), wm)
	if err != nil {
		return err
	}
	nm.Header.Set(jetstream.MsgIDHeader, msg.ID)
	if _, err := a.js.PublishMsg(ctx, nm); err != nil {
		return fmt.Errorf("publishing the replay: %w", err)
	}
	return nil
}

// Outcome returns what became of a replay.
func (a *Admin) Outcome(ctx context.Context, replayID string) (*ReplayOutcome, error) {
	e, err := a.replays.Get(ctx, replayID)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", replayID, err)
	}
	var o ReplayOutcome
	return &o, json.Unmarshal(e.Value(), &o)
}

// WaitOutcome polls until the replay is no longer pending or max passes.
func (a *Admin) WaitOutcome(ctx context.Context, replayID string, max time.Duration) (*ReplayOutcome, error) {
	deadline := time.Now().Add(max)
	for {
		o, err := a.Outcome(ctx, replayID)
		if err != nil || o.Status != "pending" || time.Now().After(deadline) {
			return o, err
		}
		select {
		case <-ctx.Done():
			return o, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (a *Admin) putOutcome(ctx context.Context, o *ReplayOutcome) error {
	data, _ := json.Marshal(o)
	_, err := a.replays.Put(ctx, o.ReplayID, data)
	return err
}

// recordReplay stores the outcome of a replayed message (nil: success).
func (p *pipelineRunner) recordReplay(ctx context.Context, msg *component.Message, o *replayOutcome) {
	id := msg.Meta(transport.MetaReplayID)
	if id == "" {
		return
	}
	if o == nil {
		o = &replayOutcome{Status: "ok"}
	}
	o.ReplayID, o.At = id, p.e.clock.Now().UTC()
	if err := p.e.Admin().putOutcome(context.WithoutCancel(ctx), o); err != nil {
		p.e.log.Warn("cannot record a replay outcome", "replay_id", id, "error", err)
	}
}
