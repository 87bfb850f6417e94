package dlq

import (
	"encoding/json"
	"strings"
	"time"
)

// Record statuses.
const (
	StatusOpen     = "open"
	StatusResolved = "resolved"
)

// How a record was resolved (Resolution.How).
const (
	// ResolvedReplayed: a replay delivered the message.
	ResolvedReplayed = "replayed"
	// ResolvedFiltered: a replay ran and a filter dropped the message, so
	// there was nothing left to deliver.
	ResolvedFiltered = "filtered"
	// ResolvedReplaced: a replay failed again; the new failure is record
	// Resolution.ReplacedBy.
	ResolvedReplaced = "replaced"
	// ResolvedDelivered: the pipeline later delivered a message with the
	// same business key and a version at least as new.
	ResolvedDelivered = "delivered"
	// ResolvedOperator: an operator resolved it, with a note.
	ResolvedOperator = "operator"
	// ResolvedApproved: a reviewer approved a held message and it was
	// delivered.
	ResolvedApproved = "approved"
	// ResolvedRejected: a reviewer rejected a held message; it was dropped.
	ResolvedRejected = "rejected"
)

// ClassHeld is the class of a record a data-quality guard holds for
// review.
const ClassHeld = "held"

// Review decisions (Review.Decision).
const (
	Approved = "approved"
	Rejected = "rejected"
)

// Record is one dead letter.
type Record struct {
	// Seq is the record's id for show, replay, resolve and drop: the stream
	// sequence of its first publication. It never changes.
	Seq uint64 `json:"seq"`
	// ID is the failed message's id.
	ID            string `json:"id"`
	CorrelationID string `json:"correlation_id,omitempty"`
	Pipeline      string `json:"pipeline"`
	// Step is the name of the failing step, or "sink:<name>" for a sink.
	Step string `json:"step"`
	// StepIndex is where a resuming replay re-enters (len(steps) for a sink).
	StepIndex int `json:"step_index"`
	// Sink names the sink that failed (empty for steps).
	Sink string `json:"sink,omitempty"`
	// Class is "permanent" (retrying cannot help), "exhausted" (an
	// unclassified error kept failing for the retry budget) or "expired"
	// (a waiting message waited longer than errors.max_wait) or "held" (a
	// data-quality guard holds it for review: approve or reject it).
	Class string `json:"class"`
	Error string `json:"error"`
	// Reason is Error with its variable parts (ids, numbers, SKUs, quoted
	// values) replaced by {}: records with the same reason form a group.
	Reason string `json:"reason"`
	// Group identifies the pipeline and reason (see GroupID).
	Group string `json:"group"`
	// Key and Version are the business key and version of the original
	// message, as the pipeline declares them (dead_letters.key, .version).
	Key      string `json:"key,omitempty"`
	Version  string `json:"version,omitempty"`
	Attempts int    `json:"attempts"`
	// ReceivedAt is when the source received the original message.
	ReceivedAt time.Time `json:"received_at,omitempty"`
	FailedAt   time.Time `json:"failed_at"`
	// ReplayOf is the record this one came from, when a replay failed again.
	ReplayOf uint64 `json:"replay_of,omitempty"`
	// Status is StatusOpen or StatusResolved.
	Status     string      `json:"status"`
	Resolution *Resolution `json:"resolution,omitempty"`
	// Replay is the latest replay of this record.
	Replay *ReplayState `json:"replay,omitempty"`
	// Review is a reviewer's decision on a held record.
	Review *Review `json:"review,omitempty"`
	// PersonalDataRemovedAt is set once the retention removed the
	// pipeline's personal data from the bodies and the error text.
	PersonalDataRemovedAt *time.Time        `json:"personal_data_removed_at,omitempty"`
	Metadata              map[string]string `json:"metadata,omitempty"`
	// Original is the message body as the source published it; a replay
	// runs it through every step again.
	Original json.RawMessage `json:"original,omitempty"`
	// Input is the body as it entered the failing step; a resuming replay
	// sends it (or an edited one) to that step.
	Input json.RawMessage `json:"input,omitempty"`
	// Vars are the lookup results bound before the failing step.
	Vars json.RawMessage `json:"vars,omitempty"`

	// rev is the stream sequence of the version read (for compare-and-set).
	rev uint64
}

// Resolution says how and when a record was resolved.
type Resolution struct {
	// How is one of the Resolved* constants.
	How string    `json:"how"`
	At  time.Time `json:"at"`
	// By names what resolved it: a replay id, the id of the delivered
	// message, or the bulk job.
	By   string `json:"by,omitempty"`
	Note string `json:"note,omitempty"`
	// ReplacedBy is the record of the replay's new failure (How "replaced").
	ReplacedBy uint64 `json:"replaced_by,omitempty"`
}

// Review is a reviewer's decision on a held record: who decided, when,
// and why.
type Review struct {
	// Decision is Approved or Rejected.
	Decision string    `json:"decision"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
}

// Held reports whether the record is a message held for review.
func (r *Record) Held() bool { return r.Class == ClassHeld }

// ReplayState is the latest replay of a record.
type ReplayState struct {
	ID string `json:"id"`
	// Mode is "rerun" (the original message through every step) or
	// "resume" (the step input, possibly edited, at the failed step).
	Mode string `json:"mode"`
	// Status is "pending", "ok", "failed" or "dropped".
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Open reports whether the record waits for someone.
func (r *Record) Open() bool { return r.Status == StatusOpen }

// ReplayPending reports whether a replay of the record was sent and has no
// outcome yet.
func (r *Record) ReplayPending() bool { return r.Replay != nil && r.Replay.Status == "pending" }

// Summary returns the record without its bodies (original, input, vars).
func (r *Record) Summary() *Record {
	s := *r
	s.Original, s.Input, s.Vars = nil, nil, nil
	return &s
}

// Filter selects records; zero fields match everything.
type Filter struct {
	// Status is StatusOpen, StatusResolved or "" (both).
	Status   string
	Pipeline string
	Step     string
	// Class is a record class ("held" for messages held for review).
	Class string
	// Group is a group id (GroupID).
	Group string
	// Key is a business key.
	Key string
	// ErrorContains matches the error text, case-insensitively.
	ErrorContains string
	Since, Until  time.Time
	// Limit caps how many records List returns (0: no cap).
	Limit int
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Record) bool {
	switch {
	case f.Status != "" && r.Status != f.Status:
		return false
	case f.Pipeline != "" && r.Pipeline != f.Pipeline:
		return false
	case f.Step != "" && r.Step != f.Step:
		return false
	case f.Class != "" && r.Class != f.Class:
		return false
	case f.Group != "" && r.Group != f.Group:
		return false
	case f.Key != "" && r.Key != f.Key:
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
