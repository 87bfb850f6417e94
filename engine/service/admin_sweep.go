package service

import (
	"context"
	"errors"
	"time"

	"github.com/pipewright/pipewright/engine/internal/dlq"
)

// sweepEvery is how often a running engine applies the dead-letter
// retention (in real time; retentions are days).
const sweepEvery = 10 * time.Minute

// SweepResult counts what a sweep did.
type SweepResult struct {
	// Removed are resolved records past their retention.
	Removed int `json:"removed"`
	// PersonalDataRemoved are records whose personal data was removed.
	PersonalDataRemoved int `json:"personal_data_removed"`
}

// Sweep applies the retention as of now: resolved records kept longer
// than retention.resolved are removed, and records older than
// retention.personal_data lose their personal data (the pipeline's
// personal_data paths become "[removed]", and so do quoted values in the
// error); reason, ids, key, amounts and metadata stay. Open records are
// never removed. Engines sharing a cluster may sweep at once.
func (a *Admin) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	recs, err := a.store.List(ctx, dlq.Filter{})
	if err != nil {
		return res, err
	}
	for _, r := range recs {
		pol := a.policy(r.Pipeline).cfg
		if !r.Open() && r.Resolution != nil && now.Sub(r.Resolution.At) >= pol.Retention.Resolved.D() {
			if err := a.store.Delete(ctx, r.Seq); err != nil && !errors.Is(err, dlq.ErrNotFound) {
				return res, err
			}
			res.Removed++
			continue
		}
		if r.PersonalDataRemovedAt != nil || now.Sub(r.FailedAt) < pol.Retention.PersonalData.D() {
			continue
		}
		if !dlq.Scrub(r, a.policy(r.Pipeline).paths, dlq.Removed) {
			continue // nothing personal in it (yet: checked again next time)
		}
		_, err := a.store.Update(ctx, r.Seq, func(r *dlq.Record) error {
			dlq.Scrub(r, a.policy(r.Pipeline).paths, dlq.Removed)
			at := now.UTC()
			r.PersonalDataRemovedAt = &at
			return nil
		})
		if err != nil && !errors.Is(err, dlq.ErrNotFound) {
			return res, err
		}
		res.PersonalDataRemoved++
	}
	return res, nil
}

// startSweeper sweeps every interval, and refreshes the index of keys
// with dead letters, until stop.
func (a *Admin) startSweeper(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel, a.done = cancel, make(chan struct{})
	a.refreshKeys(ctx)
	go func() {
		defer close(a.done)
		t := time.NewTicker(every)
		defer t.Stop()
		keys := time.NewTicker(keyRefreshEvery)
		defer keys.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-keys.C:
				a.refreshKeys(ctx)
				continue
			case <-t.C:
			}
			res, err := a.Sweep(ctx, a.clock.Now())
			switch {
			case err != nil && ctx.Err() == nil:
				a.log.Warn("dead-letter retention could not be applied; trying again later", "error", err)
			case res.Removed > 0 || res.PersonalDataRemoved > 0:
				a.log.Info("dead-letter retention applied", "removed", res.Removed, "personal_data_removed", res.PersonalDataRemoved)
			}
		}
	}()
}

func (a *Admin) refreshKeys(ctx context.Context) {
	if err := a.keys.refresh(ctx, a.store); err != nil && ctx.Err() == nil {
		a.log.Warn("cannot read which keys have dead letters; trying again shortly", "error", err)
	}
}

// stop ends the sweeper and the bulk jobs (nil-safe).
func (a *Admin) stop() {
	if a == nil {
		return
	}
	a.mu.Lock()
	for _, j := range a.jobs {
		j.cancel()
	}
	a.mu.Unlock()
	a.running.Wait()
	if a.cancel != nil {
		a.cancel()
		<-a.done
	}
}
