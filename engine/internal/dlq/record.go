package dlq

import (
	"encoding/json"
	"strings"
	"time"
)

// Record is one dead letter.
type Record struct {
	// Seq is the record's sequence in the dead-letter stream: its id for
	// show, drop and replay. Set when read.
	Seq uint64 `json:"seq,omitempty"`
	// ID is the failed message's id.
	ID            string `json:"id"`
	CorrelationID string `json:"correlation_id,omitempty"`
	Pipeline      string `json:"pipeline"`
	// Step is the name of the failing step, or "sink:<name>" for a sink.
	Step string `json:"step"`
	// StepIndex is where a replay re-enters (len(steps) for a sink).
	StepIndex int `json:"step_index"`
	// Sink names the sink that failed (empty for steps).
	Sink string `json:"sink,omitempty"`
	// Class is "permanent" (retrying cannot help) or "exhausted" (an
	// unclassified error kept failing for the retry budget).
	Class    string `json:"class"`
	Error    string `json:"error"`
	Attempts int    `json:"attempts"`
	// ReceivedAt is when the source received the original message.
	ReceivedAt time.Time `json:"received_at,omitempty"`
	FailedAt   time.Time `json:"failed_at"`
	// ReplayOf is the sequence of the record this one came from, when a
	// replay failed again.
	ReplayOf uint64            `json:"replay_of,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
	// Original is the message body as the source published it.
	Original json.RawMessage `json:"original,omitempty"`
	// Input is the body as it entered the failing step; a replay sends it.
	Input json.RawMessage `json:"input"`
	// Vars are the lookup results bound before the failing step.
	Vars json.RawMessage `json:"vars,omitempty"`
}

// Filter selects records; zero fields match everything.
type Filter struct {
	Pipeline string
	Step     string
	// ErrorContains matches the error text, case-insensitively.
	ErrorContains string
	Since, Until  time.Time
	// Limit caps how many records List returns (0: no cap).
	Limit int
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Record) bool {
	switch {
	case f.Pipeline != "" && r.Pipeline != f.Pipeline:
		return false
	case f.Step != "" && r.Step != f.Step:
		return false
	case f.ErrorContains != "" && !strings.Contains(strings.ToLower(r.Error), strings.ToLower(f.ErrorContains)):
		return false
	case !f.Since.IsZero() && r.FailedAt.Before(f.Since):
		return false
	case !f.Until.IsZero() && r.FailedAt.After(f.Until):
		return false
	}
	return true
}
