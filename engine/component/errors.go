package component

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as permanent: bad data, an unknown reference, a schema
// violation. The engine sends the message to the dead-letter stream at once.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// Permanentf is Permanent(fmt.Errorf(format, args...)).
func Permanentf(format string, args ...any) error {
	return Permanent(fmt.Errorf(format, args...))
}

// IsPermanent reports whether err or an error it wraps was marked permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// RetryableError marks an error that a later attempt may not meet: a timeout,
// HTTP 429 or 5xx, a database that is down.
type RetryableError struct {
	Err error
	// After, when positive, is the earliest useful time to retry (for
	// example from a rate-limit signal).
	After time.Duration
	// Waiting says the message waits for something that has not happened
	// yet elsewhere (see Waiting), not for a connection to recover.
	Waiting bool
}

func (e *RetryableError) Error() string { return e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// Retryable marks err as retryable. The engine retries it with backoff and
// without an attempt limit, and counts it against the circuit breaker of the
// component's connection. Retryable(nil) is nil.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err}
}

// RetryableAfter marks err as retryable no sooner than after d.
func RetryableAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err, After: d}
}

// IsRetryable reports whether err or an error it wraps was marked retryable
// and not, closer to the surface, permanent.
func IsRetryable(err error) bool {
	if IsPermanent(err) {
		return false
	}
	var r *RetryableError
	return errors.As(err, &r)
}

// Waiting marks err as retryable because the message waits for something
// that has not happened yet elsewhere (a refund whose order has not reached
// the target yet), not because a connection failed. The engine retries it
// like a Retryable error, but it does not count against the connection's
// circuit breaker (the connection answered), and the pipeline's
// errors.max_wait bounds how long the message is retried before it is
// dead-lettered. Waiting(nil) is nil.
func Waiting(err error) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err, Waiting: true}
}

// IsWaiting reports whether err is retryable and marked Waiting.
func IsWaiting(err error) bool {
	var r *RetryableError
	return IsRetryable(err) && errors.As(err, &r) && r.Waiting
}

// RetryDelay returns the delay a retryable error asked for, or 0.
func RetryDelay(err error) time.Duration {
	var r *RetryableError
	if errors.As(err, &r) {
		return r.After
	}
	return 0
}

// BatchError reports per-message outcomes of Sink.Write: Errors maps the index
// of a message in the batch to its error. Messages without an entry are done.
type BatchError struct {
	Errors map[int]error
}

// Error counts the failed messages and quotes the first one's error.
func (e *BatchError) Error() string {
	if len(e.Errors) == 0 {
		return "batch failed"
	}
	first := slices.Min(slices.Collect(maps.Keys(e.Errors)))
	return fmt.Sprintf("%d of the batch failed, message %d: %v", len(e.Errors), first, e.Errors[first])
}

// ErrFor returns the error of message i of a batch after Write returned err.
func ErrFor(err error, i int) error {
	if err == nil {
		return nil
	}
	var be *BatchError
	if errors.As(err, &be) {
		return be.Errors[i]
	}
	return err
}

// FieldError locates a configuration problem at an option path (keys joined
// with dots, list indexes as numbers, e.g. "params.0.name"), relative to the
// component's options. The loader turns it into file:line:col.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrorf returns a *FieldError for path.
func FieldErrorf(path, format string, args ...any) error {
	return &FieldError{Path: path, Err: fmt.Errorf(format, args...)}
}
