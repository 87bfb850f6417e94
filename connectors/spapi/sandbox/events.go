package sandbox

import (
	"container/heap"
	"time"
)

// The simulated world moves by events: things due at a simulated time (an
// order arriving, a status change, a feed finishing, a settlement period
// closing, a notification being redelivered). Events run in time order
// (ties in scheduling order) under the server's lock, before any request
// is answered, so what a request sees is the world as of the clock's now.

type event struct {
	at  time.Time
	seq uint64
	run func(at time.Time)
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].seq < q[j].seq
	}
	return q[i].at.Before(q[j].at)
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// schedule runs fn at simulated time at. The caller holds s.mu.
func (s *Server) schedule(at time.Time, fn func(at time.Time)) {
	s.seq++
	heap.Push(&s.events, &event{at: at, seq: s.seq, run: fn})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// advance runs every event due by the clock's now and returns now. The
// caller holds s.mu.
func (s *Server) advance() time.Time {
	now := s.clock.Now()
	for len(s.events) > 0 && !s.events[0].at.After(now) {
		e := heap.Pop(&s.events).(*event)
		e.run(e.at)
	}
	return now
}

// nextEvent returns when the next event is due.
func (s *Server) nextEvent() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events) == 0 {
		return time.Time{}, false
	}
	return s.events[0].at, true
}

// Sync runs everything due by the clock's now: orders arriving, status
// changes, feed processing, settlements, notification redeliveries. Every
// API request does this first; tests call it after moving a manual clock.
func (s *Server) Sync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
}
