package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
)

// Outcome is how a step ended for one message.
type Outcome int

// Step outcomes reported to an Observer.
const (
	OK Outcome = iota
	Dropped
	Failed
)

// Observer is told how long each step took and how it ended.
type Observer func(step *config.Step, d time.Duration, o Outcome)

// Executor runs one pipeline's steps. It is safe for concurrent use.
type Executor struct {
	pl      *config.Pipeline
	env     *config.StepEnv
	observe Observer
}

// New returns an executor whose steps reach env. observe may be nil.
func New(pl *config.Pipeline, env *config.StepEnv, observe Observer) *Executor {
	return &Executor{pl: pl, env: env, observe: observe}
}

// Output is a message ready for a sink.
type Output struct {
	Sink string
	Msg  *component.Message
	// After are state writes to make once the sink completed the message
	// (the values changed steps let through, guards' observations).
	After []config.StateWrite
	// Flags are the guard rules the message broke that let it pass, to
	// count and alert once the sink completed it.
	Flags []config.GuardFinding
}

// StepError is a failure at a step, with the message as it entered the
// step (what a replay re-enters with).
type StepError struct {
	Step  *config.Step
	Input *component.Message
	Err   error
}

func (e *StepError) Error() string { return fmt.Sprintf("step %s: %v", e.Step.Name, e.Err) }
func (e *StepError) Unwrap() error { return e.Err }

// Result is what processing one message produced.
type Result struct {
	Outputs []Output
	// Failed holds permanent failures (of the message, or of split elements
	// whose siblings went on).
	Failed []*StepError
	// Dropped counts messages a filter dropped.
	Dropped int
}

// Process runs msg through the steps from index from (0 for a new message,
// the failed step's index for a replay). A non-nil error is a *StepError
// that is not permanent: the whole message should be retried.
func (e *Executor) Process(ctx context.Context, msg *component.Message, from int) (*Result, error) {
	res := &Result{}
	if err := e.run(ctx, msg, from, res, pending{}); err != nil {
		return nil, err
	}
	return res, nil
}

// pending is what the steps before produced for after delivery.
type pending struct {
	writes []config.StateWrite
	flags  []config.GuardFinding
}

// with returns p and what out adds, sharing nothing with p's slices (split
// siblings each extend their own copy).
func (p pending) with(out config.StepResult) pending {
	if len(out.Writes) > 0 {
		p.writes = append(append([]config.StateWrite(nil), p.writes...), out.Writes...)
	}
	if len(out.Flags) > 0 {
		p.flags = append(append([]config.GuardFinding(nil), p.flags...), out.Flags...)
	}
	return p
}

func (e *Executor) run(ctx context.Context, msg *component.Message, from int, res *Result, after pending) error {
	for i := from; i < len(e.pl.Steps); i++ {
		st := e.pl.Steps[i]
		var start time.Time
		if e.observe != nil {
			start = time.Now()
		}
		out, err := st.Run(ctx, e.env, msg)
		if e.observe != nil {
			e.observe(st, time.Since(start), outcomeOf(out, err))
		}
		if err != nil {
			se := &StepError{Step: st, Input: msg, Err: err}
			if !component.IsPermanent(err) {
				return se
			}
			res.Failed = append(res.Failed, se)
			return nil
		}
		switch {
		case out.Dropped:
			res.Dropped++
			return nil
		case out.Routes != nil:
			for _, sink := range out.Routes {
				res.Outputs = append(res.Outputs, Output{Sink: sink, Msg: msg, After: after.writes, Flags: after.flags})
			}
			return nil
		case out.Split != nil:
			for _, child := range out.Split {
				if err := e.run(ctx, child, i+1, res, after); err != nil {
					return err
				}
			}
			return nil
		}
		after = after.with(out)
		msg = out.Msg
	}
	res.Outputs = append(res.Outputs, Output{Sink: config.MainSink, Msg: msg, After: after.writes, Flags: after.flags})
	return nil
}

func outcomeOf(out config.StepResult, err error) Outcome {
	switch {
	case err != nil:
		return Failed
	case out.Dropped:
		return Dropped
	}
	return OK
}
