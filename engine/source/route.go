package source

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// route serves one pattern of a pusher and counts the requests in flight,
// so that Shutdown can refuse new ones and wait for the others.
type route struct {
	h        http.Handler
	mu       sync.Mutex
	inflight int
	idle     chan struct{} // made by close, closed when nothing is in flight
}

// closedBody is the answer to a request that arrives after close.
const closedBody = `{"error":"shutting down, retry later"}` + "\n"

// retryAfterSeconds is the Retry-After of that answer.
const retryAfterSeconds = "5"

func (rt *route) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !rt.enter() {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", retryAfterSeconds)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(closedBody))
		return
	}
	defer rt.leave()
	rt.h.ServeHTTP(w, r)
}

// enter counts a request in flight unless the route is closed.
func (rt *route) enter() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.idle != nil {
		return false
	}
	rt.inflight++
	return true
}

func (rt *route) leave() {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.inflight--
	if rt.idle != nil && rt.inflight == 0 {
		close(rt.idle)
	}
}

// close makes the route answer 503 to new requests and waits until the
// requests in flight were answered, or ctx ends. It may be called again.
func (rt *route) close(ctx context.Context) error {
	rt.mu.Lock()
	if rt.idle == nil {
		rt.idle = make(chan struct{})
		if rt.inflight == 0 {
			close(rt.idle)
		}
	}
	idle := rt.idle
	rt.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
	}
	select {
	case <-idle:
		return nil
	default:
		return fmt.Errorf("waiting for requests in flight: %w", ctx.Err())
	}
}
