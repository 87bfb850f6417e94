package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/engine/component"
)

// Class is how a failure is handled; the permanent, exhausted and expired
// classes are what a dead letter records.
type Class string

// Failure classes.
const (
	// Permanent: retrying cannot help; dead-lettered at once.
	Permanent Class = "permanent"
	// Retryable: a system is down or busy; retried without a cap.
	Retryable Class = "retryable"
	// Unclassified: neither; retried until the budget is spent.
	Unclassified Class = "unclassified"
	// Exhausted: unclassified with the budget spent; dead-lettered.
	Exhausted Class = "exhausted"
	// Expired: waiting (component.Waiting) longer than the pipeline's
	// errors.max_wait; dead-lettered.
	Expired Class = "expired"
	// Held: a data-quality guard holds the message for review; stored
	// like a dead letter, to be approved or rejected.
	Held Class = "held"
)

// holder is implemented by errors that hold a message for review (a
// guard's decision).
type holder interface{ Held() bool }

// stored reports whether failures of class c become dead-letter records.
func (c Class) stored() bool {
	return c == Permanent || c == Exhausted || c == Expired || c == Held
}

// Failure is one failed part of a delivery: the message at a step, or one
// output at a sink.
type Failure struct {
	// Step names the failing step, or "sink:<name>" for a sink; Index is
	// where a resuming replay re-enters; Sink names the failing sink.
	Step  string
	Index int
	Sink  string
	// Input is the message as it entered the step or sink.
	Input *component.Message
	Err   error
	// Class is empty until Classify sets it.
	Class Class
}

// Failures is a handler's error when parts of a delivery failed.
type Failures []*Failure

func (fs Failures) Error() string {
	if len(fs) == 0 {
		return "no failures"
	}
	msg := fmt.Sprintf("step %s: %v", fs[0].Step, fs[0].Err)
	if len(fs) > 1 {
		msg += fmt.Sprintf(" (and %d more failures)", len(fs)-1)
	}
	return msg
}

// FailuresOf returns the failures err holds (none for nil or another error).
func FailuresOf(err error) Failures {
	if err == nil {
		return nil // without a search that allocates
	}
	var fs Failures
	errors.As(err, &fs)
	return fs
}

// ClassOf classifies an error: a hold for review, marked permanent or
// retryable, a timeout (retryable), or unclassified.
func ClassOf(err error) Class {
	var h holder
	switch {
	case errors.As(err, &h) && h.Held():
		return Held
	case component.IsPermanent(err):
		return Permanent
	case component.IsRetryable(err), errors.Is(err, context.DeadlineExceeded):
		return Retryable
	}
	return Unclassified
}

// first returns the first failure of class c, or nil.
func (fs Failures) first(c Class) *Failure {
	for _, f := range fs {
		if f.Class == c {
			return f
		}
	}
	return nil
}

// retrying reports whether a failure sends the delivery back to the stream.
func (fs Failures) retrying() bool {
	return fs.first(Retryable) != nil || fs.first(Unclassified) != nil
}
