package policy

import (
	"context"

	"github.com/pipewright/pipewright/engine/component"
)

// Delivery is one delivery of a stored message and what became of it. The
// handler and the middlewares fill it in as it passes through them.
type Delivery struct {
	Msg *component.Message
	// Seq is the message's stream sequence (0 when unknown). With Msg.ID it
	// names the stored message across deliveries, restarts and replicas.
	Seq uint64
	// Record is the message's index in its pack: several records stored in
	// one stream message (0 for the first, and for a message stored alone).
	// With Seq it names the record.
	Record int
	// Delivered is the transport's delivery count (1 for the first); it
	// counts deliveries that only waited for an open circuit too.
	Delivered int
	// Attempt is the processing attempt (1 for the first): a delivery that
	// ran the steps and sinks. Tally sets it from the message's tally.
	Attempt int
	// Unclassified is how many unclassified failures of the message spent
	// its budget, this delivery's included once Budget has run.
	Unclassified int
	// Start is where a replay re-enters; zero for a new message.
	Start Start
	// Outcome is what the delivery delivered, dropped and dead-lettered.
	Outcome Outcome

	settled []func(context.Context)
}

// Start is where processing begins: a step index, or a sink by name.
type Start struct {
	Step int
	Sink string
}

// Outcome is what became of a delivery's outputs.
type Outcome struct {
	// DeadLetters are the records it made, in the order of its failures.
	DeadLetters []DeadLettered
	// Delivered counts the outputs sinks completed, Sinks names their sinks.
	Delivered int
	Sinks     []string
	// Dropped counts the messages a filter dropped.
	Dropped int
}

// DeadLettered is one stored dead letter: its id and its (redacted) error.
type DeadLettered struct {
	Seq   uint64
	Error string
}

// OnSettled registers fn to run once the delivery is settled (see Settle);
// it does not run when the delivery goes back to the stream.
func (d *Delivery) OnSettled(fn func(context.Context)) {
	d.settled = append(d.settled, fn)
}
