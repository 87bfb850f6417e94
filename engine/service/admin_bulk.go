package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Bulk actions.
const (
	BulkReplay  = "replay"
	BulkResolve = "resolve"
)

// Job states.
const (
	JobRunning   = "running"
	JobDone      = "done"
	JobCancelled = "cancelled"
	JobFailed    = "failed"
)

// BulkRequest selects open dead letters and says what to do with them.
type BulkRequest struct {
	// Action is BulkReplay or BulkResolve.
	Action string
	// Filter selects the records; only open ones are taken.
	Filter DeadLetterFilter
	// Note says what was done (required to resolve).
	Note string
	// Rate is how many replays are sent per second (0: the smallest
	// replay_rate of the pipelines involved).
	Rate float64
	// Wait is how long to wait for outcomes once every replay was sent
	// (0: two minutes).
	Wait time.Duration
}

// Job is the progress of a bulk action.
type Job struct {
	ID     string `json:"id"`
	Action string `json:"action"`
	// State is "running", "done", "cancelled" or "failed" (the records
	// could not be selected; Error says why).
	State string `json:"state"`
	Error string `json:"error,omitempty"`
	// Total is how many records were selected; Handled how many were sent
	// (replay) or resolved so far.
	Total   int `json:"total"`
	Handled int `json:"handled"`
	// Outcomes: OK (delivered, or resolved), Failed (the replay failed
	// again), Dropped (a filter dropped it), Pending (no outcome yet),
	// Skipped (the record changed meanwhile: resolved, replay pending),
	// Errors (the action itself failed).
	OK         int         `json:"ok"`
	Failed     int         `json:"failed"`
	Dropped    int         `json:"dropped"`
	Pending    int         `json:"pending"`
	Skipped    int         `json:"skipped"`
	Errors     int         `json:"errors"`
	Results    []JobResult `json:"results"`
	StartedAt  time.Time   `json:"started_at"`
	FinishedAt *time.Time  `json:"finished_at,omitempty"`
}

// JobResult is what the job did with one record.
type JobResult struct {
	Seq uint64 `json:"seq"`
	// Status is "ok", "failed", "dropped", "pending", "skipped" or "error".
	Status   string `json:"status"`
	ReplayID string `json:"replay_id,omitempty"`
	// DLQSeq is the new record of a replay that failed again.
	DLQSeq uint64 `json:"dlq_seq,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Finished reports whether the job has ended.
func (j *Job) Finished() bool { return j.State != JobRunning }

// jobRun is a job and its lock; progress is told each change.
type jobRun struct {
	mu       sync.Mutex
	job      Job
	cancel   context.CancelFunc
	progress func(Job)
}

func (r *jobRun) update(change func(*Job)) {
	r.mu.Lock()
	change(&r.job)
	snap := r.snapshotLocked()
	r.mu.Unlock()
	if r.progress != nil {
		r.progress(snap)
	}
}

func (r *jobRun) snapshot() Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snapshotLocked()
}

func (r *jobRun) snapshotLocked() Job {
	j := r.job
	j.Results = append([]JobResult(nil), j.Results...)
	return j
}

// setResult replaces record i's result, keeping the counts in step.
func (j *Job) setResult(i int, res JobResult) {
	j.count(j.Results[i].Status, -1)
	j.Results[i] = res
	j.count(res.Status, 1)
}

func (j *Job) count(status string, d int) {
	switch status {
	case ReplayOK:
		j.OK += d
	case ReplayFailed:
		j.Failed += d
	case ReplayDropped:
		j.Dropped += d
	case ReplayPending:
		j.Pending += d
	case "skipped":
		j.Skipped += d
	case "error":
		j.Errors += d
	}
}

func (a *Admin) newJob(req BulkRequest, progress func(Job)) (*jobRun, error) {
	switch {
	case req.Action != BulkReplay && req.Action != BulkResolve:
		return nil, fmt.Errorf("bulk action %q: want replay or resolve", req.Action)
	case req.Action == BulkResolve && req.Note == "":
		return nil, errors.New("resolving dead letters needs a note saying what was done")
	case req.Rate < 0:
		return nil, errors.New("rate: want a positive number of replays per second")
	}
	now := a.clock.Now().UTC()
	return &jobRun{job: Job{ID: fmt.Sprintf("j%d", now.UnixNano()), Action: req.Action, State: JobRunning, StartedAt: now}, progress: progress}, nil
}

// RunBulk runs a bulk action to its end, telling progress (may be nil)
// of each change, and returns the finished job.
func (a *Admin) RunBulk(ctx context.Context, req BulkRequest, progress func(Job)) (Job, error) {
	run, err := a.newJob(req, progress)
	if err != nil {
		return Job{}, err
	}
	a.runJob(ctx, run, req)
	return run.snapshot(), nil
}

// StartBulk starts a bulk action in the background and returns it as it
// starts; follow it with JobStatus. Jobs end with the engine.
func (a *Admin) StartBulk(req BulkRequest) (Job, error) {
	run, err := a.newJob(req, nil)
	if err != nil {
		return Job{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	run.cancel = cancel
	a.mu.Lock()
	a.jobs[run.job.ID] = run
	a.order = append(a.order, run.job.ID)
	if len(a.order) > maxJobs {
		delete(a.jobs, a.order[0])
		a.order = a.order[1:]
	}
	a.running.Add(1)
	a.mu.Unlock()
	go func() {
		defer a.running.Done()
		defer cancel()
		a.runJob(ctx, run, req)
	}()
	return run.snapshot(), nil
}

// maxJobs bounds the finished jobs an engine remembers.
const maxJobs = 100

// JobStatus returns a job's progress.
func (a *Admin) JobStatus(id string) (Job, bool) {
	a.mu.Lock()
	run, ok := a.jobs[id]
	a.mu.Unlock()
	if !ok {
		return Job{}, false
	}
	return run.snapshot(), true
}

// Jobs returns the jobs the engine remembers, newest first.
func (a *Admin) Jobs() []Job {
	a.mu.Lock()
	runs := make([]*jobRun, 0, len(a.order))
	for i := len(a.order) - 1; i >= 0; i-- {
		runs = append(runs, a.jobs[a.order[i]])
	}
	a.mu.Unlock()
	jobs := make([]Job, len(runs))
	for i, r := range runs {
		jobs[i] = r.snapshot()
		jobs[i].Results = nil
	}
	return jobs
}
