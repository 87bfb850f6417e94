package transport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// JetStream API error codes that mean "not yet" on a cluster that is
// forming, restarting or electing leaders, or another engine creating the
// same object at the same moment.
const (
	codeClusterNoPeers       jetstream.ErrorCode = 10005 // no suitable peers for placement
	codeClusterNotAvailable  jetstream.ErrorCode = 10008 // JetStream system temporarily unavailable
	codeInsufficientResource jetstream.ErrorCode = 10023
	codeStreamNameInUse      jetstream.ErrorCode = 10058 // a concurrent create with another config
	codeConsumerNameExists   jetstream.ErrorCode = 10013
	codeConsumerExists       jetstream.ErrorCode = 10148
	codeConsumerAlreadyExist jetstream.ErrorCode = 10105
)

// attemptTimeout bounds one JetStream API call of provisioning, so a
// request lost while a cluster elects leaders is asked again.
const attemptTimeout = 5 * time.Second

// Backoff of provisioning retries: doubling from retryBase up to retryMax,
// with jitter so engines started together do not retry in lockstep.
const (
	retryBase = 100 * time.Millisecond
	retryMax  = 2 * time.Second
)

// Transient reports whether a JetStream error of creating or updating a
// stream, consumer or bucket can go away by itself: a timeout, no
// responders or an unavailable JetStream (a cluster forming or restarting,
// a leader election), no server accepting connections (a cluster
// restarting), a placement that finds too few peers online, or a name
// another engine is creating at the same moment.
func Transient(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout),
		errors.Is(err, nats.ErrNoResponders), errors.Is(err, nats.ErrConnectionReconnecting),
		errors.Is(err, nats.ErrNoServers), errors.Is(err, jetstream.ErrJetStreamNotEnabled),
		errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount), errors.Is(err, jetstream.ErrBucketExists),
		errors.Is(err, jetstream.ErrStreamNameAlreadyInUse), errors.Is(err, jetstream.ErrConsumerExists),
		errors.Is(err, jetstream.ErrConsumerNameAlreadyInUse), errors.Is(err, jetstream.ErrConsumerLeadershipChanged):
		return true
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case codeClusterNoPeers, codeClusterNotAvailable, codeInsufficientResource, codeStreamNameInUse,
			codeConsumerNameExists, codeConsumerExists, codeConsumerAlreadyExist:
			return true
		}
		return apiErr.Code == 503 || apiErr.Code == 408
	}
	// Messages of errors nats.go passes through without a type.
	msg := err.Error()
	return strings.Contains(msg, "no suitable peers") || strings.Contains(msg, "already in use")
}

// retry calls fn until it succeeds, fails with an error that is not
// Transient, or ctx ends; each call gets at most attemptTimeout. Between
// calls it backs off exponentially with jitter. The final error names what
// was being done and, when ctx ended, the last transient error.
func retry(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	return retryCreate(ctx, what, fn, nil)
}

// appearEvery is how often retryCreate looks for the object while a
// create call waits for its answer.
const appearEvery = 200 * time.Millisecond

// errAppeared ends an attempt whose object appeared while it waited.
var errAppeared = errors.New("created meanwhile")

// retryCreate is retry for a call that creates an object, with exists
// telling whether the object is there (nil: not asked). On a cluster, of
// two engines creating the same stream or consumer at the same moment one
// gets no answer at all (nats.go issue #949): while a call waits, exists is
// polled, and once the object is there the call is abandoned and made
// again at once, this time as an update that is answered (and waited for).
func retryCreate(ctx context.Context, what string, fn func(ctx context.Context) error, exists func(ctx context.Context) bool) error {
	wait := retryBase
	for attempt := 1; ; attempt++ {
		err := attemptOnce(ctx, fn, exists)
		if err == nil {
			return nil
		}
		if errors.Is(err, errAppeared) {
			// Made again as an update, which is answered: wait for it,
			// however slow (an update of a stream that existed all along
			// may take longer than a poll).
			exists = nil
			continue
		}
		if !Transient(err) || ctx.Err() != nil {
			if ctx.Err() != nil && attempt > 1 {
				return fmt.Errorf("%s: still failing after %d attempts when the start deadline passed: %w", what, attempt, err)
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		d := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: still failing after %d attempts when the start deadline passed: %w", what, attempt, err)
		case <-time.After(d):
		}
		wait = min(2*wait, retryMax)
	}
}

// attemptOnce calls fn with at most attemptTimeout, and returns
// errAppeared when exists reports the object first.
func attemptOnce(ctx context.Context, fn func(ctx context.Context) error, exists func(ctx context.Context) bool) error {
	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	if exists == nil {
		return fn(actx)
	}
	done := make(chan error, 1)
	go func() { done <- fn(actx) }()
	tick := time.NewTicker(appearEvery)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if exists(actx) {
				cancel()
				<-done
				return errAppeared
			}
		}
	}
}
