package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/internal/dlq"
)

// Review decisions on held messages (DeadLetter.Review.Decision).
const (
	ReviewApproved = dlq.Approved
	ReviewRejected = dlq.Rejected
)

// Review is a reviewer's decision on a held message.
type Review = dlq.Review

// ClassHeld is the class of the dead letters data-quality guards hold for
// review.
const ClassHeld = dlq.ClassHeld

// reviewable refuses records that are not held messages waiting for a
// decision.
func reviewable(r *DeadLetter) error {
	switch {
	case !r.Held():
		return &StateError{Seq: r.Seq, Why: "is not held for review (class " + r.Class + "): replay or resolve it"}
	case !r.Open():
		return alreadyResolved(r)
	case r.ReplayPending():
		return &StateError{Seq: r.Seq, Why: fmt.Sprintf("was approved and is on its way since %s; wait for its outcome", r.Replay.At.Format(time.RFC3339))}
	}
	return nil
}

func reviewer(by string) (string, error) {
	by = strings.TrimSpace(by)
	if by == "" {
		return "", errors.New("a review needs the reviewer's name (by)")
	}
	return by, nil
}

// Approve lets a held message continue past the guard that held it: the
// guard does not check it again (the record carries the approval) and the
// message resumes at that step with what it held then. The record stays
// open until the outcome is known: delivered, it is resolved as approved
// (by, at, note); failing further on, it is replaced by the new dead
// letter. It waits up to wait for the outcome like ReplayAndWait.
func (a *Admin) Approve(ctx context.Context, seq uint64, by, note string, wait time.Duration) (*ReplayOutcome, error) {
	by, err := reviewer(by)
	if err != nil {
		return nil, err
	}
	id, err := a.replay(ctx, seq, ReplayRequest{Resume: true}, func(r *DeadLetter) error {
		if err := reviewable(r); err != nil {
			return err
		}
		r.Review = &Review{Decision: ReviewApproved, By: by, At: a.clock.Now().UTC(), Note: note}
		return nil
	})
	if errors.Is(err, dlq.ErrNotFound) {
		return nil, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	if err != nil {
		return nil, err
	}
	return a.waitReplay(ctx, id, wait)
}

// Reject drops a held message: the record is resolved as rejected, with
// who decided, when and why, and kept for the resolved records' retention.
func (a *Admin) Reject(ctx context.Context, seq uint64, by, note string) (*DeadLetter, error) {
	by, err := reviewer(by)
	if err != nil {
		return nil, err
	}
	r, err := a.store.Update(ctx, seq, func(r *DeadLetter) error {
		if err := reviewable(r); err != nil {
			return err
		}
		now := a.clock.Now().UTC()
		r.Review = &Review{Decision: ReviewRejected, By: by, At: now, Note: note}
		r.Status = StatusResolved
		r.Resolution = &Resolution{How: dlq.ResolvedRejected, At: now, By: by, Note: note}
		return nil
	})
	if errors.Is(err, dlq.ErrNotFound) {
		return nil, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	if err == nil {
		a.metrics.resolved.WithLabelValues(r.Pipeline, dlq.ResolvedRejected).Inc()
		a.recordResolved(r)
	}
	return r, err
}
