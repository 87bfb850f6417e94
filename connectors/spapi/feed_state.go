package spapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// The feed sink keeps everything in its State, so a restart resumes where
// it stopped:
//
//	buf/<seq>   a message waiting for the next feed (bufEntry)
//	feed/<seq>  a feed being built, submitted or read back (feedRecord)
//
// A feed record is written before the buffer entries it takes are deleted;
// on start, entries still buffered that a record lists are deleted then.

const (
	bufPrefix  = "buf/"
	feedPrefix = "feed/"
)

// Feed record stages.
const (
	stageNew       = "new"       // not submitted: the next step builds and submits it
	stageSubmitted = "submitted" // createFeed answered: getFeed until it ends
	stageDone      = "done"      // DONE: read the processing report
)

// storedMessage is a message as State keeps it, for the dead-letter record.
type storedMessage struct {
	ID       string            `json:"id"`
	Metadata map[string]string `json:"metadata,omitempty"`
	Body     json.RawMessage   `json:"body"`
}

func storeMessage(m *component.Message) (storedMessage, error) {
	body, err := component.EncodeJSON(m.Body)
	if err != nil {
		return storedMessage{}, err
	}
	return storedMessage{ID: m.ID, Metadata: m.Metadata, Body: body}, nil
}

func (sm storedMessage) message() *component.Message {
	m := &component.Message{ID: sm.ID, Metadata: sm.Metadata}
	if v, err := component.DecodeJSON(sm.Body); err == nil {
		m.Body = v
	}
	return m
}

// bufEntry is one message turned into a feed message.
type bufEntry struct {
	// Key is the entry's buffer key.
	Key         string          `json:"key"`
	Message     storedMessage   `json:"message"`
	SKU         string          `json:"sku"`
	ProductType string          `json:"product_type"`
	Patches     json.RawMessage `json:"patches"`
	// Size is the entry's share of the feed document in bytes.
	Size int       `json:"size"`
	At   time.Time `json:"at"`
}

// feedRecord is a feed in flight.
type feedRecord struct {
	Key       string     `json:"-"`
	Stage     string     `json:"stage"`
	CreatedAt time.Time  `json:"created_at"`
	Entries   []bufEntry `json:"entries"`
	FeedID    string     `json:"feed_id,omitempty"`
	// ResultDocumentID is the processing report's document.
	ResultDocumentID string `json:"result_document_id,omitempty"`
}

// keepSeq makes the next seqKey follow key's sequence: a restarted sink
// whose clock has not passed it (a clock set back, a test's manual clock)
// must not reuse a key in State.
func (s *feedSink) keepSeq(key string) {
	seq, err := strconv.ParseInt(key[strings.LastIndexByte(key, '/')+1:], 10, 64)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.seq = max(s.seq, seq)
	s.mu.Unlock()
}

// seqKey returns a key under prefix that sorts after every key issued
// before by the same sink.
func (s *feedSink) seqKey(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq = max(s.seq+1, s.set.Clock.Now().UnixNano())
	return fmt.Sprintf("%s%020d", prefix, s.seq)
}
