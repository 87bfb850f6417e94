package sqsserver

import (
	"context"
	"fmt"
	"time"
)

// CreateQueue creates the queue name with attributes (nil for the
// defaults; a name ending in ".fifo" makes a FIFO queue) and returns its
// URL. Like the CreateQueue action it returns the existing queue's URL when
// the name exists with the same attributes. Call it after Start.
func (s *Server) CreateQueue(name string, attributes map[string]string) (string, error) {
	q, err := s.create(name, attributes)
	if err != nil {
		return "", fmt.Errorf("creating queue %s: %w", name, err)
	}
	return q.url, nil
}

// QueueARN returns the ARN of queue name (arn:aws:sqs:<region>:<account>:<name>),
// whether or not it exists: the ARN an SP-API destination names.
func (s *Server) QueueARN(name string) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", s.opts.Region, s.opts.AccountID, name)
}

// QueueStats counts a queue's messages.
type QueueStats struct {
	// Visible messages can be received now.
	Visible int
	// InFlight messages were received and are hidden until their
	// visibility timeout ends or they are deleted.
	InFlight int
	// Delayed messages were sent with a delay that has not passed.
	Delayed int
}

// Stats counts the messages of queue name as of the clock's now; false if
// there is no such queue.
func (s *Server) Stats(name string) (QueueStats, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil {
		return QueueStats{}, false
	}
	v, f, d := q.counts(s.clock.Now())
	return QueueStats{Visible: v, InFlight: f, Delayed: d}, true
}

// OldestSent returns when the oldest message still in queue name (visible,
// in flight or delayed) was sent, on the server's clock; the zero time when
// the queue is empty or does not exist. A test waits for it to pass a
// moment to know every message sent before then was deleted.
func (s *Server) OldestSent(name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil || len(q.msgs) == 0 {
		return time.Time{}
	}
	return q.msgs[0].sent
}

// HoldDeletes makes DeleteMessage calls wait until ReleaseDeletes. A held
// call whose client goes away (a killed consumer) deletes nothing, as if
// the consumer died between receive and delete. A test hook.
func (s *Server) HoldDeletes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.holding {
		s.holding, s.released = true, make(chan struct{})
	}
}

// ReleaseDeletes lets held and later DeleteMessage calls proceed.
func (s *Server) ReleaseDeletes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holding {
		s.holding = false
		close(s.released)
	}
}

// HeldDeletes returns how many DeleteMessage calls are waiting.
func (s *Server) HeldDeletes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// waitHeld waits while deletes are held; false if ctx ended first.
func (s *Server) waitHeld(ctx context.Context) bool {
	s.mu.Lock()
	if !s.holding {
		s.mu.Unlock()
		return true
	}
	s.held++
	released := s.released
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.held--
		s.mu.Unlock()
	}()
	select {
	case <-released:
		return true
	case <-ctx.Done():
		return false
	}
}
