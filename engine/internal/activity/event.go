package activity

import "time"

// Event kinds.
const (
	// Processed: the pipeline finished a message: delivered it to sinks,
	// dead-lettered it, or (a replay) a filter dropped it.
	Processed = "processed"
	// Retrying: the message's first attempt failed with a retryable error;
	// it waits in the stream and is tried again.
	Retrying = "retrying"
	// Resolved: an operator resolved a dead letter.
	Resolved = "resolved"
)

// Event is one thing a pipeline did with a message. The same event is
// filed under each of the message's keys; ID tells the copies apart from
// other events.
type Event struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Pipeline string    `json:"pipeline"`
	Kind     string    `json:"kind"`
	// KeyName and Key are the key this copy is filed under ("" for a
	// message without keys).
	KeyName    string    `json:"key_name,omitempty"`
	Key        string    `json:"key,omitempty"`
	MessageID  string    `json:"message_id,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// Delivered names the sinks that accepted the message, e.g.
	// "main: sage500.sales_order (sage)".
	Delivered []string `json:"delivered,omitempty"`
	// DeadLetters are the records the message became.
	DeadLetters []DeadLetterRef `json:"dead_letters,omitempty"`
	// Dropped: a filter dropped the message.
	Dropped bool `json:"dropped,omitempty"`
	// ReplayOf, ReplayID and Outcome describe a replayed message
	// (Outcome: ok, failed, dropped).
	ReplayOf uint64 `json:"replay_of,omitempty"`
	ReplayID string `json:"replay_id,omitempty"`
	Outcome  string `json:"outcome,omitempty"`
	// Step and Reason say where and why a message is retried.
	Step   string `json:"step,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Seq and How describe a resolution.
	Seq uint64 `json:"seq,omitempty"`
	How string `json:"how,omitempty"`
}

// DeadLetterRef points to a dead letter a message became.
type DeadLetterRef struct {
	Seq    uint64 `json:"seq"`
	Reason string `json:"reason"`
}

// Key is a business key of a message.
type Key struct {
	Name  string
	Value string
}
