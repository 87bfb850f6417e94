package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// Replay metadata keys.
const (
	metaReplayOf = "pw-replay-of"
	// metaReplayedAt is when a replay was published: a waiting message's
	// errors.max_wait counts from there.
	metaReplayedAt = "pw-replayed-at"
	// metaReplayMode is "resume" on a replay that re-enters at the failed
	// step; a rerun goes through every step and carries none.
	metaReplayMode = "pw-replay-mode"
)

// Replay modes (ReplayState.Mode).
const (
	ReplayRerun  = "rerun"
	ReplayResume = "resume"
)

// Replay outcome statuses.
const (
	ReplayPending = "pending"
	ReplayOK      = "ok"
	ReplayFailed  = "failed"
	// ReplayDropped: a filter dropped the replayed message; there was
	// nothing left to deliver.
	ReplayDropped = "dropped"
)

// ReplayOutcome is what became of a replayed dead letter.
type ReplayOutcome struct {
	ReplayID string `json:"replay_id"`
	// Seq is the replayed dead letter.
	Seq uint64 `json:"seq,omitempty"`
	// Status is "pending" (not processed yet), "ok" (every sink accepted
	// the message), "failed" or "dropped" (a filter dropped it).
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// DLQSeq is the new dead letter when the replay failed again.
	DLQSeq uint64    `json:"dlq_seq,omitempty"`
	At     time.Time `json:"at"`
	// DeadLetter is the new dead letter (summary), filled by
	// ReplayAndWait when the replay failed again.
	DeadLetter *DeadLetter `json:"dead_letter,omitempty"`
}

// ReplayRequest says how to replay a dead letter.
type ReplayRequest struct {
	// Body, when set, replaces the recorded step input: the replay resumes
	// at the failed step with it.
	Body json.RawMessage
	// Resume re-enters at the failed step with the recorded step input and
	// lookups instead of running the original message through every step.
	Resume bool
}

var removedMarker = []byte(`"` + dlq.Removed + `"`)

// Replay sends a dead letter back into its pipeline and returns the replay
// id to follow with Outcome. By default the original message runs through
// every step again, with the directory as it is now and fresh lookups; with
// req.Body or req.Resume it re-enters at the failed step. The record stays
// open until the outcome is known: a delivery resolves it, a new failure
// resolves it as replaced by the new record.
func (a *Admin) Replay(ctx context.Context, seq uint64, req ReplayRequest) (string, error) {
	return a.replay(ctx, seq, req, func(r *DeadLetter) error {
		if r.Held() {
			return &StateError{Seq: seq, Why: "is held for review: approve or reject it"}
		}
		return nil
	})
}

// replay replays record seq; check may refuse the record, or change it
// before it is stored with the pending replay.
func (a *Admin) replay(ctx context.Context, seq uint64, req ReplayRequest, check func(*DeadLetter) error) (string, error) {
	mode := ReplayRerun
	if req.Body != nil || req.Resume {
		mode = ReplayResume
	}
	now := a.clock.Now().UTC()
	id := fmt.Sprintf("r%d-%d", seq, now.UnixNano())
	rec, err := a.store.Update(ctx, seq, func(r *DeadLetter) error {
		switch {
		case !r.Open():
			return alreadyResolved(r)
		case r.ReplayPending():
			return &StateError{Seq: seq, Why: fmt.Sprintf("has a replay pending since %s (%s); wait for its outcome", r.Replay.At.Format(time.RFC3339), r.Replay.ID)}
		case req.Body == nil && bytes.Contains(a.replayBody(r, mode), removedMarker):
			return &StateError{Seq: seq, Why: "no longer holds the buyer's personal data (removed after its retention): replay it with an edited body or resolve it"}
		}
		if !a.defines(r.Pipeline) {
			return fmt.Errorf("dead letter %d belongs to pipeline %q, which this directory does not define", seq, r.Pipeline)
		}
		if err := check(r); err != nil {
			return err
		}
		r.Replay = &dlq.ReplayState{ID: id, Mode: mode, Status: ReplayPending, At: now}
		return nil
	})
	if errors.Is(err, dlq.ErrNotFound) {
		return "", fmt.Errorf("dead letter %d: %w", seq, err)
	}
	if err != nil {
		return "", err
	}
	msg, err := a.replayMessage(rec, id, mode, req.Body)
	if err == nil {
		// Pending before the message is published: a replay processed at
		// once must not have its result overwritten.
		err = a.putOutcome(ctx, &ReplayOutcome{ReplayID: id, Seq: seq, Status: ReplayPending, At: now})
	}
	if err == nil {
		err = a.publish(ctx, rec.Pipeline, msg)
	}
	if err != nil {
		_, _ = a.store.Update(context.WithoutCancel(ctx), seq, func(r *DeadLetter) error { r.Replay, r.Review = nil, nil; return nil })
		return "", err
	}
	return id, nil
}

func (a *Admin) replayBody(r *DeadLetter, mode string) json.RawMessage {
	if mode == ReplayRerun {
		return r.Original
	}
	return r.Input
}

// replayMessage builds the message a replay publishes.
func (a *Admin) replayMessage(rec *DeadLetter, id, mode string, body json.RawMessage) (*component.Message, error) {
	if body == nil {
		body = a.replayBody(rec, mode)
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("dead letter %d holds no message to replay", rec.Seq)
	}
	v, err := component.DecodeJSON(body)
	if err != nil {
		return nil, fmt.Errorf("replay body: %w", err)
	}
	msg := &component.Message{ID: rec.ID + "#replay-" + strconv.FormatUint(rec.Seq, 10), Body: v, Metadata: map[string]string{}}
	for k, val := range rec.Metadata {
		msg.Metadata[k] = val
	}
	delete(msg.Metadata, metaReplayMode)
	msg.SetMeta(transport.MetaReplayID, id)
	msg.SetMeta(metaReplayOf, strconv.FormatUint(rec.Seq, 10))
	msg.SetMeta(metaReplayedAt, a.clock.Now().UTC().Format(time.RFC3339Nano))
	if mode == ReplayRerun {
		return msg, nil
	}
	msg.SetMeta(metaReplayMode, ReplayResume)
	if rec.Sink != "" {
		msg.SetMeta(metaResumeSink, rec.Sink)
	} else {
		msg.SetMeta(transport.MetaResumeStep, strconv.Itoa(rec.StepIndex))
	}
	if len(rec.Vars) > 0 {
		if vars, err := component.DecodeJSON(rec.Vars); err == nil {
			msg.Vars, _ = vars.(map[string]any)
		}
	}
	return msg, nil
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
		if err != nil || o.Status != ReplayPending || time.Now().After(deadline) {
			return o, err
		}
		select {
		case <-ctx.Done():
			return o, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ReplayAndWait replays a dead letter and waits up to wait for the outcome
// (not at all for a stopped engine's data). A replay that failed again
// comes with its new dead letter.
func (a *Admin) ReplayAndWait(ctx context.Context, seq uint64, req ReplayRequest, wait time.Duration) (*ReplayOutcome, error) {
	id, err := a.Replay(ctx, seq, req)
	if err != nil {
		return nil, err
	}
	return a.waitReplay(ctx, id, wait)
}

// waitReplay waits up to wait for a replay's outcome (see ReplayAndWait).
func (a *Admin) waitReplay(ctx context.Context, id string, wait time.Duration) (*ReplayOutcome, error) {
	if a.offline {
		wait = 0
	}
	o, err := a.WaitOutcome(ctx, id, wait)
	if err != nil {
		return nil, err
	}
	if o.Status == ReplayFailed && o.DLQSeq != 0 {
		if r, err := a.store.Get(ctx, o.DLQSeq); err == nil {
			o.DeadLetter = r.Summary()
		}
	}
	return o, nil
}

func (a *Admin) putOutcome(ctx context.Context, o *ReplayOutcome) error {
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if _, err := a.replays.Put(ctx, o.ReplayID, data); err != nil {
		return fmt.Errorf("recording replay %s: %w", o.ReplayID, err)
	}
	return nil
}
