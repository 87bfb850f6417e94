package service

import (
	"context"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// A keyless sink (component.Repeats) asks its SeenIDs, per message,
// whether it completed the message's id before, and records the id once
// it did. For a record of a pack those questions are answered from memory
// (packMemo): the pack's done set (pack_done.go) already told the engine
// which of its records were settled before, and the pack's settlement is
// written as one done set before the pack is acknowledged. Only single
// messages (webhooks, replays, one-record stream messages), a sink's own
// Record at start (the file sink's crash note) and the records of a
// redelivered pack that its done set does not cover go to the seen-id
// bucket one id at a time.

// packMemo is what the engine's packs in flight tell their pipelines'
// keyless sinks: which pack each record being processed belongs to.
type packMemo struct {
	mu      sync.Mutex
	records map[memoKey]*packEntry
	// busy holds the pack keys being processed, closed when that delivery
	// ends: a second delivery with the same key (a republish arriving
	// while the first copy is processed) waits for it and reads its done
	// set.
	busy map[memoKey]chan struct{}
}

// memoKey is a record id, or a pack key, of one pipeline.
type memoKey struct{ pipeline, id string }

func newPackMemo() *packMemo {
	return &packMemo{records: map[memoKey]*packEntry{}, busy: map[memoKey]chan struct{}{}}
}

// packEntry is one delivery of a pack in flight.
type packEntry struct {
	pipeline, key string
	ids           []string
	// suspect marks a redelivery: a record its done set does not cover may
	// have been written and recorded one id at a time (by the file sink's
	// crash note, or by an earlier delivery that handed the record back),
	// so such records are checked in the bucket.
	suspect bool

	mu sync.Mutex
	// written holds the ids each keyless sink completed in this delivery,
	// with the id of the record each comes from.
	written map[*packSeen]map[string]string
	done    chan struct{}
}

// begin registers the records ids of pipeline's pack key, once no other
// delivery with that key is in flight on this engine.
func (m *packMemo) begin(ctx context.Context, pipeline, key string, ids []string, suspect bool) (*packEntry, error) {
	pk := memoKey{pipeline, key}
	for {
		m.mu.Lock()
		wait, ok := m.busy[pk]
		if !ok {
			break
		}
		m.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, component.Retryable(ctx.Err())
		}
	}
	defer m.mu.Unlock()
	e := &packEntry{pipeline: pipeline, key: key, ids: ids, suspect: suspect,
		written: map[*packSeen]map[string]string{}, done: make(chan struct{})}
	m.busy[pk] = e.done
	for _, id := range ids {
		// A record already in another pack in flight (a pack cut
		// differently) stays with that pack.
		if _, ok := m.records[memoKey{pipeline, id}]; !ok {
			m.records[memoKey{pipeline, id}] = e
		}
	}
	return e, nil
}

// end forgets e.
func (m *packMemo) end(e *packEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range e.ids {
		if k := (memoKey{e.pipeline, id}); m.records[k] == e {
			delete(m.records, k)
		}
	}
	delete(m.busy, memoKey{e.pipeline, e.key})
	close(e.done)
}

// entry is the pack in flight that holds pipeline's record id, or nil.
func (m *packMemo) entry(pipeline, id string) *packEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.records[memoKey{pipeline, id}]
}

// output is the pack in flight that holds the record a sink's message id
// comes from, and that record's id: the message's own id, or, for an
// element of a split step (id "PARENT/INDEX"), its parent's.
func (m *packMemo) output(pipeline, id string) (*packEntry, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		if e := m.records[memoKey{pipeline, id}]; e != nil {
			return e, id
		}
		i := strings.LastIndexByte(id, '/')
		if i < 0 || !isIndex(id[i+1:]) {
			return nil, ""
		}
		id = id[:i]
	}
}

// isIndex reports whether s is a split element's index.
func isIndex(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func (e *packEntry) wrote(s *packSeen, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.written[s][id]
	return ok
}

// note notes that s completed id, of the record with id record.
func (e *packEntry) note(s *packSeen, id, record string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.written[s] == nil {
		e.written[s] = map[string]string{}
	}
	e.written[s][id] = record
}

// unsettled returns, per sink, the ids it completed in this delivery
// whose record was not settled (settled reports that): they are recorded
// one id at a time, for the redelivery that processes the record again
// (another sink of it failed).
func (e *packEntry) unsettled(settled func(id string) bool) map[*packSeen][]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[*packSeen][]string{}
	for s, ids := range e.written {
		for id, record := range ids {
			if !settled(record) {
				out[s] = append(out[s], id)
			}
		}
	}
	return out
}

// packSeen is the component.SeenIDs the engine gives a sink: the ids of
// records in a pack in flight (and of their split elements) are answered
// and recorded in memory, others in the seen-id bucket (kv).
type packSeen struct {
	pipeline string
	kv       component.SeenIDs
	memo     *packMemo

	mu sync.Mutex
	// dropped counts the sink's repeats; nil until component.NewRepeats
	// says the sink drops repeats by message id.
	dropped prometheus.Counter
}

var _ component.RepeatSkipper = (*packSeen)(nil)

// CountSkipsIn is called by component.NewRepeats: the sink drops repeats
// by message id, so its pipeline keeps the done sets of its packs.
func (s *packSeen) CountSkipsIn(dropped prometheus.Counter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropped = dropped
}

// counter is the sink's counter of dropped repeats, or nil when it keeps
// none.
func (s *packSeen) counter() prometheus.Counter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

var _ component.MemorySeenIDs = (*packSeen)(nil)

// Seen is true for a record of a pack in flight that the sink completed
// in this delivery, or, in a redelivery, that the bucket holds.
func (s *packSeen) Seen(ctx context.Context, id string) (bool, error) {
	if seen, ok := s.SeenInMemory(id); ok {
		return seen, nil
	}
	return s.kv.Seen(ctx, id)
}

// SeenInMemory answers Seen for a record of a pack in flight, unless it
// is a redelivery's record the sink did not complete in this delivery
// (the bucket may hold it).
func (s *packSeen) SeenInMemory(id string) (seen, ok bool) {
	e, _ := s.memo.output(s.pipeline, id)
	switch {
	case e == nil:
		return false, false
	case e.wrote(s, id):
		return true, true
	}
	return false, !e.suspect
}

// Record notes a record of a pack in flight in memory (its pack's done
// set records it), and any other id in the bucket.
func (s *packSeen) Record(ctx context.Context, id string) error {
	if s.RecordInMemory(id) {
		return nil
	}
	return s.kv.Record(ctx, id)
}

// RecordInMemory notes a record of a pack in flight in memory; false for
// any other id.
func (s *packSeen) RecordInMemory(id string) bool {
	e, record := s.memo.output(s.pipeline, id)
	if e == nil {
		return false
	}
	e.note(s, id, record)
	return true
}
