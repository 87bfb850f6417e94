package simulator

import (
	"container/heap"
	"time"
)

// The simulated world moves by events: things due at a simulated time (an
// order arriving, a status change, a feed finishing, a settlement period
// closing, a notification being redelivered). Events run in time order
// (ties in scheduling order) under the server's lock, before any request
// is answered, so what a request sees is the world as of the clock's now.
// An event is data (what happens, and to which order, feed or
// notification), so the world can be saved and loaded (see world_file.go).

// eventKind says what an event does.
type eventKind string

// The events of the world.
const (
	evGenerate      eventKind = "generate"             // the generator's next order
	evAuthorize     eventKind = "authorize"            // a pending order's payment is decided
	evShipByAmazon  eventKind = "ship-by-amazon"       // Amazon ships an FBA order
	evCancelRequest eventKind = "buyer-cancel-request" // the buyer asks to cancel
	evBuyerCancel   eventKind = "buyer-cancel"         // Amazon cancels after the request
	evFeedStart     eventKind = "feed-start"           // a feed leaves the queue
	evFeedProcess   eventKind = "feed-process"         // a feed is processed
	evSettlement    eventKind = "settlement"           // a settlement period closes
	evRedeliver     eventKind = "redeliver"            // a failed push is queued again
	evRefund        eventKind = "refund"               // an order's planned refund is posted
	evReportDone    eventKind = "report-done"          // a requested report is ready
	evFulfillment   eventKind = "fulfillment"          // a fulfillment order moves to its next status
)

type event struct {
	at   time.Time
	seq  uint64
	kind eventKind
	// ref is the order, feed or notification the event concerns.
	ref string
	// start is the settlement period's start (evSettlement).
	start time.Time
	// plan is the order's future, drawn when it was created (evAuthorize).
	plan *lifecyclePlan
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

// schedule queues e (its seq is set here). The caller holds s.mu.
func (s *Server) schedule(e *event) {
	s.seq++
	e.seq = s.seq
	heap.Push(&s.events, e)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run does what an event says. The caller holds s.mu.
func (s *Server) run(e *event) {
	switch e.kind {
	case evGenerate:
		s.generate(e.at)
	case evAuthorize:
		if o := s.orders[e.ref]; o != nil {
			s.authorize(o, e.plan, e.at)
		}
	case evShipByAmazon:
		if o := s.orders[e.ref]; o != nil {
			s.shipByAmazon(o, e.at)
		}
	case evCancelRequest:
		if o := s.orders[e.ref]; o != nil {
			s.buyerRequestsCancel(o, e.at)
		}
	case evBuyerCancel:
		if o := s.orders[e.ref]; o != nil && o.Status == StatusUnshipped {
			s.cancelOrder(o, e.at, "Buyer cancelled")
		}
	case evFeedStart:
		if f := s.feeds[e.ref]; f != nil {
			f.Status, f.Started = "IN_PROGRESS", e.at
		}
	case evFeedProcess:
		if f := s.feeds[e.ref]; f != nil {
			s.processFeed(f, e.at)
		}
	case evSettlement:
		s.closeSettlementPeriod(e.start, e.at)
	case evRefund:
		if o := s.orders[e.ref]; o != nil {
			s.refund(o, e.at)
		}
	case evReportDone:
		s.finishReport(e.ref)
	case evFulfillment:
		if f := s.fulfillment[e.ref]; f != nil && !s.heldFulfillment(f) {
			s.advanceFulfillment(f, e.at)
		}
	case evRedeliver:
		if n := s.noteByID[e.ref]; n != nil {
			s.deliver(n) // where it goes now: a subscription may have changed
		}
	}
}

// advance runs every event due by the clock's now and returns now. The
// caller holds s.mu.
func (s *Server) advance() time.Time {
	now := s.clock.Now()
	for len(s.events) > 0 && !s.events[0].at.After(now) {
		s.run(heap.Pop(&s.events).(*event))
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
