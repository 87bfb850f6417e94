package componenttest

import (
	"context"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"
)

// Recv receives from ch (a value, or the zero value once ch is closed) and
// returns it. If nothing arrives within WaitLimit it fails the test with
// what it waited for and a dump of every goroutine, so that a goroutine
// stuck on a lock, a channel or a manual clock shows where it is stuck
// instead of hanging the package until go test's timeout.
func Recv[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	return RecvDriving(t, what, ch, nil)
}

// RecvDriving is Recv calling drive (when not nil) every millisecond
// while it waits: a test whose goroutines may wait on a ManualClock (a
// retry backoff, a rate limiter, a poll interval) moves the clock on in
// drive, so that they get to finish.
func RecvDriving[T any](t testing.TB, what string, ch <-chan T, drive func()) T {
	t.Helper()
	return recvWithin(t, WaitLimit, what, ch, drive)
}

func recvWithin[T any](t testing.TB, limit time.Duration, what string, ch <-chan T, drive func()) T {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	var tick <-chan time.Time
	if drive != nil {
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		tick = ticker.C
	}
	for {
		select {
		case v := <-ch:
			return v
		case <-tick:
			drive()
		case <-deadline.C:
			t.Fatalf("timed out after %s waiting for %s\n%s", limit, what, Goroutines())
			var zero T
			return zero
		}
	}
}

// Wait waits for wg like Recv.
func Wait(t testing.TB, what string, wg *sync.WaitGroup) {
	t.Helper()
	WaitDriving(t, what, wg, nil)
}

// WaitDriving waits for wg like RecvDriving.
func WaitDriving(t testing.TB, what string, wg *sync.WaitGroup, drive func()) {
	t.Helper()
	RecvDriving(t, what, doneOf(wg), drive)
}

// doneOf returns a channel closed once wg is done. (Its goroutine stays
// behind when the test fails first; the test binary ends soon after.)
func doneOf(wg *sync.WaitGroup) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}

// Goroutines returns the stacks of every goroutine, identical ones counted
// once, for a failure message.
func Goroutines() string {
	var b strings.Builder
	b.WriteString("goroutines:\n")
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

// Context returns a context that ends WaitLimit from now, or when the test
// ends. A test gives it to a call it makes on its own goroutine that could
// wait on a ManualClock no one moves meanwhile (a retry backoff after a
// 429 or an expired token, a rate limiter's wait): the call then fails
// with the context's error instead of hanging the package.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), WaitLimit)
	t.Cleanup(cancel)
	return ctx
}
