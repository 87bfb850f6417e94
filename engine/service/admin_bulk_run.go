package service

import (
	"context"
	"errors"
	"time"
)

// runJob selects the open records of req.Filter and resolves or replays
// them one by one, replays paced at the rate.
func (a *Admin) runJob(ctx context.Context, run *jobRun, req BulkRequest) {
	f := req.Filter
	f.Status = StatusOpen
	recs, err := a.store.List(ctx, f)
	if err != nil {
		a.finishJob(run, JobFailed, err)
		return
	}
	run.update(func(j *Job) {
		j.Total = len(recs)
		j.Results = make([]JobResult, len(recs))
		for i, r := range recs {
			j.Results[i] = JobResult{Seq: r.Seq}
		}
	})
	interval := time.Duration(0)
	if req.Action == BulkReplay {
		interval = time.Duration(float64(time.Second) / a.replayRate(req, recs))
	}
	var pending []int
	for i, r := range recs {
		if i > 0 && interval > 0 {
			select {
			case <-ctx.Done():
				a.finishJob(run, JobCancelled, nil)
				return
			case <-time.After(interval):
			}
		}
		res := JobResult{Seq: r.Seq, Status: ReplayOK}
		var err error
		if req.Action == BulkResolve {
			_, err = a.Resolve(ctx, r.Seq, req.Note)
		} else if res.ReplayID, err = a.Replay(ctx, r.Seq, ReplayRequest{}); err == nil {
			res.Status = ReplayPending
			pending = append(pending, i)
		}
		var se *StateError
		switch {
		case errors.As(err, &se) || errors.Is(err, ErrNoDeadLetter):
			res.Status, res.Error = "skipped", err.Error()
		case err != nil:
			res.Status, res.Error = "error", err.Error()
		}
		run.update(func(j *Job) { j.Handled++; j.setResult(i, res) })
		pending = a.pollOutcomes(ctx, run, pending)
	}
	wait := req.Wait
	if wait == 0 {
		wait = 2 * time.Minute
	}
	deadline := time.Now().Add(wait)
	for len(pending) > 0 && !a.offline && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			a.finishJob(run, JobCancelled, nil)
			return
		case <-time.After(200 * time.Millisecond):
		}
		pending = a.pollOutcomes(ctx, run, pending)
	}
	a.finishJob(run, JobDone, nil)
}

// pollOutcomes updates the results of pending replays and returns those
// still pending.
func (a *Admin) pollOutcomes(ctx context.Context, run *jobRun, pending []int) []int {
	still := pending[:0]
	for _, i := range pending {
		res := run.snapshot().Results[i]
		o, err := a.Outcome(ctx, res.ReplayID)
		if err != nil || o.Status == ReplayPending {
			still = append(still, i)
			continue
		}
		res.Status, res.Error, res.DLQSeq = o.Status, o.Error, o.DLQSeq
		run.update(func(j *Job) { j.setResult(i, res) })
	}
	return still
}

// replayRate is the request's rate or the smallest replay_rate of the
// pipelines involved.
func (a *Admin) replayRate(req BulkRequest, recs []*DeadLetter) float64 {
	if req.Rate > 0 {
		return req.Rate
	}
	rate := 0.0
	for _, r := range recs {
		if pr := a.policy(r.Pipeline).cfg.ReplayRate; rate == 0 || pr < rate {
			rate = pr
		}
	}
	if rate == 0 {
		rate = a.policy(defaultPolicy).cfg.ReplayRate
	}
	return rate
}

func (a *Admin) finishJob(run *jobRun, state string, err error) {
	now := a.clock.Now().UTC()
	run.update(func(j *Job) {
		j.State, j.FinishedAt = state, &now
		if err != nil {
			j.Error = err.Error()
		}
	})
}
