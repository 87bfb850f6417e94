package activity

import (
	"sync"
	"time"
)

// FlowState is when a pipeline last delivered a message and last failed.
type FlowState struct {
	LastSuccess time.Time
	LastErrorAt time.Time
	// LastError is the error text (secrets redacted).
	LastError string
}

// Flows keeps each pipeline's FlowState in memory. It is safe for
// concurrent use.
type Flows struct {
	mu sync.Mutex
	m  map[string]FlowState
}

// NewFlows returns an empty tracker.
func NewFlows() *Flows { return &Flows{m: map[string]FlowState{}} }

// Success notes a delivery.
func (f *Flows) Success(pipeline string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.m[pipeline]
	if at.After(s.LastSuccess) {
		s.LastSuccess = at
	}
	f.m[pipeline] = s
}

// Failure notes a failure (a retry or a dead letter).
func (f *Flows) Failure(pipeline string, at time.Time, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.m[pipeline]
	if !at.Before(s.LastErrorAt) {
		s.LastErrorAt, s.LastError = at, text
	}
	f.m[pipeline] = s
}

// Get returns a pipeline's state and whether anything was noted.
func (f *Flows) Get(pipeline string) (FlowState, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.m[pipeline]
	return s, ok
}
