package componenttest

import (
	"context"
	"net/http"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// Publisher records published messages and de-duplicates them by ID, like
// the stream does inside its duplicate window. Set Err to make Publish fail.
type Publisher struct {
	mu   sync.Mutex
	seen map[string]bool
	msgs []*component.Message
	// Err, when set, is returned by Publish and nothing is recorded.
	Err error
}

var _ component.Publisher = (*Publisher)(nil)

// Publish records msgs whose IDs were not seen before.
func (p *Publisher) Publish(_ context.Context, msgs ...*component.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Err != nil {
		return p.Err
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	for _, m := range msgs {
		if m.ID != "" && p.seen[m.ID] {
			continue
		}
		p.seen[m.ID] = true
		p.msgs = append(p.msgs, m)
	}
	return nil
}

// Messages returns what was published, in order.
func (p *Publisher) Messages() []*component.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*component.Message(nil), p.msgs...)
}

// DeadLetters records dead-lettered messages with their reasons.
type DeadLetters struct {
	mu      sync.Mutex
	Msgs    []*component.Message
	Reasons []error
}

var _ component.DeadLetterer = (*DeadLetters)(nil)

// DeadLetter records msg and reason.
func (d *DeadLetters) DeadLetter(_ context.Context, msg *component.Message, reason error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Msgs = append(d.Msgs, msg)
	d.Reasons = append(d.Reasons, reason)
	return nil
}

// Records returns the dead-lettered messages and their reasons so far.
func (d *DeadLetters) Records() ([]*component.Message, []error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*component.Message(nil), d.Msgs...), append([]error(nil), d.Reasons...)
}

// Len returns how many messages were dead-lettered.
func (d *DeadLetters) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.Msgs)
}

// Mux is an HTTPRegistrar over an http.ServeMux; serve it with httptest.
type Mux struct {
	*http.ServeMux
	mu       sync.Mutex
	patterns map[string]bool
}

var _ component.HTTPRegistrar = (*Mux)(nil)

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{ServeMux: http.NewServeMux(), patterns: map[string]bool{}} }

// Handle registers h, refusing a pattern that is taken.
func (m *Mux) Handle(pattern string, h http.Handler) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.patterns[pattern] {
		return &patternTakenError{pattern}
	}
	m.patterns[pattern] = true
	m.ServeMux.Handle(pattern, h)
	return nil
}

type patternTakenError struct{ pattern string }

func (e *patternTakenError) Error() string {
	return "http pattern " + e.pattern + " is already registered"
}
