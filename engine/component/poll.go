package component

import (
	"context"
	"net/http"
	"time"
)

// Poller is implemented by sources whose input the engine polls: files, a
// database table, an API listing. The source implements one poll from a
// cursor; the engine owns everything around it: the loop and its schedule
// on the engine clock, retries with backoff, publishing each batch before
// the cursor moves, storing the cursor in the source's State, and
// shutdown.
//
// The engine calls Polls once, after Start returned, and runs each loop
// it returns in a goroutine of its own until Shutdown, which it calls
// after every loop stopped.
type Poller interface {
	Source
	Polls() []Poll
}

// Poll declares one polling loop of a source (most sources have one; a
// source that also drains a queue of notified changes has two).
type Poll struct {
	// Name names the loop in logs ("" for a source's only loop).
	Name string
	// CursorKey is the State key under which the engine stores the loop's
	// cursor (default "cursor"). Each loop of a source needs its own.
	CursorKey string
	// Every is the time from the start of one round of polls (a poll and
	// those its batches asked for at once with More) to the start of the
	// next, on the engine clock. Zero: a new round starts only when a
	// batch gives At, or Wake fires.
	Every time.Duration
	// Wake, when not nil, starts a round at once when it receives (for
	// example when a notification recorded work to fetch).
	Wake <-chan struct{}
	// Read is the poll.
	Read PollFunc
}

// PollFunc reads the next batch after cursor: nil on the first poll, else
// the Cursor of the last batch whose messages were published. Calls of one
// loop never overlap. ctx ends when the engine stops the source.
//
// An error means nothing was read: the engine logs it and polls again from
// the same cursor. A Retryable error (a timeout, a 429 or 5xx, a database
// that is down) and an unclassified one are retried with exponential
// backoff, no sooner than RetryDelay asks; a Permanent one (a cursor that
// no longer fits, a query the database rejects) waits for the next round
// and, in a loop that has no next round (Every zero, no Wake), stops it.
// Input the poll cannot turn into a message (a record that does not
// parse) is not an error: the poll dead-letters it through its
// SourceSettings and moves its cursor past it.
type PollFunc func(ctx context.Context, cursor []byte) (Batch, error)

// Batch is what one poll read.
type Batch struct {
	// Messages are published together. The engine retries a publish that
	// fails with a retryable or unclassified error; when the publisher
	// refuses them permanently, it dead-letters each with the reason.
	Messages []*Message
	// Cursor is where the next poll starts; nil keeps the current one.
	// The engine stores it once Messages are durable and Ack returned nil.
	Cursor []byte
	// Ack, when not nil, is called once Messages are durable, before
	// Cursor is stored: the source records what it published (a window of
	// seen rows, a processed report). On error the batch counts as not
	// done: the engine polls again from the old cursor, and the messages
	// are published again under the same IDs, which the stream stores once.
	Ack func(ctx context.Context) error
	// More asks for the next poll at once: the poll stopped at a page or
	// size limit and input is left.
	More bool
	// At, when not zero, is when the next round starts instead of Every
	// after this one (the next tick of a schedule).
	At time.Time
	// Done ends the loop: the input is exhausted (a file read without
	// watching it).
	Done bool
}

// Pusher is implemented by sources whose input is pushed to the engine's
// HTTP server (webhooks, notifications). The source only accepts a request
// and makes it durable (publishes it, or records it in State) before it
// answers 2xx; the engine serves the routes from Start to Shutdown: it
// registers them after Start returned, and on Shutdown answers new
// requests 503 (the sender retries) and waits for those in flight before
// calling the source's Shutdown.
type Pusher interface {
	Source
	// Routes returns the handlers by ServeMux pattern (e.g. "/hooks/orders").
	Routes() map[string]http.Handler
}

// Lifecycle is a Start and Shutdown that do nothing, for embedding in
// sources whose engine runs everything (pollers and pushers holding no
// resources of their own).
type Lifecycle struct{}

// Start does nothing.
func (Lifecycle) Start(context.Context) error { return nil }

// Shutdown does nothing.
func (Lifecycle) Shutdown(context.Context) error { return nil }
