package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

type feedFactory struct{ factory }

var _ component.SinkFactory = feedFactory{}

// NewFeedFactory returns the factory of the spapi.feed sink.
func NewFeedFactory() component.SinkFactory {
	return feedFactory{factory{typ: "spapi.feed", kind: component.KindSink,
		newConfig: func() any { return newFeedConfig() }}}
}

// feedSink buffers messages in State (Write) and turns them into
// JSON_LISTINGS_FEEDs in a background loop (see feed_flow.go).
type feedSink struct {
	cfg     *FeedConfig
	set     component.SinkSettings
	api     *client.Client
	seller  string
	markets []string
	ops     struct{ createDoc, createFeed, getFeed, getDoc *models.Operation }
	outcome *prometheus.CounterVec
	repeats *component.Repeats // drops a redelivered message id

	mu     sync.Mutex
	seq    int64
	count  int       // buffered messages
	bytes  int       // their feed size
	oldest time.Time // when the oldest buffered message arrived
	wake   chan struct{}
	loops  background
	// news holds the seller's feed announcements; the intakes record into
	// it. polled is when getFeed last asked about each feed in flight (the
	// loop's own).
	news    *announcements
	intakes *intakes
	polled  map[string]time.Time
}

// CreateSink returns the sink; Start resumes buffered messages and feeds.
func (feedFactory) CreateSink(ctx context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	c, err := configAs[FeedConfig]("spapi.feed", cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connectionOf(set.Settings)
	if err != nil {
		return nil, err
	}
	s := &feedSink{cfg: c, set: set, api: conn.api(), seller: conn.SellerID(), markets: c.Marketplaces, wake: make(chan struct{}, 1),
		repeats: component.NewRepeats(set), news: conn.feedNews, polled: map[string]time.Time{},
		outcome: metric.CounterVec(set.Metrics, prometheus.CounterOpts{
			Name: "pipewright_spapi_feed_messages_total",
			Help: "Messages of JSON_LISTINGS_FEEDs by outcome (accepted, rejected, failed).",
		}, "outcome"),
	}
	if len(s.markets) == 0 {
		s.markets = conn.Marketplaces()
	}
	s.ops.createDoc = models.MustLookupOperation("createFeedDocument")
	s.ops.createFeed = models.MustLookupOperation("createFeed")
	s.ops.getFeed = models.MustLookupOperation("getFeed")
	s.ops.getDoc = models.MustLookupOperation("getFeedDocument")
	if c.Notifications != nil && c.Notifications.UsesWebhook() && set.HTTP == nil {
		return nil, fmt.Errorf("spapi.feed: notifications: the engine gave no HTTP server")
	}
	if s.intakes, err = newIntakes(ctx, "spapi.feed", c.Notifications, conn, set.Settings, set.DeadLetter, s.recordFinished); err != nil {
		return nil, err
	}
	return s, nil
}

// Start drops buffer entries already taken by a feed record, counts the
// buffer and starts the feed loop.
func (s *feedSink) Start(ctx context.Context) error {
	var records []*feedRecord
	if err := loadAll(ctx, s.set.State, feedPrefix, func(k string, r *feedRecord) { s.keepSeq(k); records = append(records, r) }); err != nil {
		return fmt.Errorf("spapi.feed: %w", err)
	}
	for _, r := range records {
		for _, e := range r.Entries {
			if err := s.set.State.Delete(ctx, e.Key); err != nil {
				return fmt.Errorf("spapi.feed: %w", err)
			}
		}
	}
	if err := s.countBuffer(ctx); err != nil {
		return fmt.Errorf("spapi.feed: %w", err)
	}
	for path, h := range s.intakes.routes() {
		if err := s.set.HTTP.Handle(path, h); err != nil {
			return fmt.Errorf("spapi.feed: %w", err)
		}
	}
	s.news.watch(s.wake)
	loops := []func(context.Context){s.loop}
	if s.intakes.sqs != nil {
		loops = append(loops, s.intakes.sqs.run)
	}
	s.loops.run(ctx, s.set, loops...)
	return nil
}

// Shutdown stops the loop; buffered messages and feeds in flight stay in
// State for the next start.
func (s *feedSink) Shutdown(context.Context) error {
	s.news.unwatch(s.wake)
	s.loops.stop()
	return nil
}

// Write turns each message into a feed message and buffers it durably,
// once per message id (a redelivery of a buffered message is dropped). A
// message whose SKU or patches do not evaluate, or that does not match
// Amazon's feed message schema, fails permanently on its own.
func (s *feedSink) Write(ctx context.Context, batch []*component.Message) error {
	return s.repeats.Write(ctx, batch, s.buffer)
}

// buffer writes the feed messages of batch to the buffer in State.
func (s *feedSink) buffer(ctx context.Context, batch []*component.Message) error {
	errs := map[int]error{}
	for i, m := range batch {
		e, err := s.entry(ctx, m)
		if err != nil {
			errs[i] = component.Permanent(err)
			continue
		}
		e.Key = s.seqKey(bufPrefix)
		if err := putJSON(ctx, s.set.State, e.Key, e); err != nil {
			errs[i] = component.Retryable(err)
			continue
		}
		s.mu.Lock()
		if s.count == 0 {
			s.oldest = e.At
		}
		s.count++
		s.bytes += e.Size
		s.mu.Unlock()
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	if len(errs) > 0 {
		return &component.BatchError{Errors: errs}
	}
	return nil
}

// entry evaluates the SKU, product type and patches of m and checks the
// resulting feed message against Amazon's schema.
func (s *feedSink) entry(ctx context.Context, m *component.Message) (*bufEntry, error) {
	sku, err := s.cfg.SKU.EvalString(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("sku: %w", err)
	}
	pt, err := s.cfg.ProductType.EvalString(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("product_type: %w", err)
	}
	pv, err := s.cfg.Patches.Eval(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("patches: %w", err)
	}
	patches, err := component.EncodeJSON(pv)
	if err != nil {
		return nil, fmt.Errorf("patches: %w", err)
	}
	one, err := json.Marshal(feedMessage{MessageID: 1, SKU: sku, OperationType: "PATCH", ProductType: pt, Patches: patches})
	if err != nil {
		return nil, err
	}
	if err := models.ValidateListingsFeedMessage(one); err != nil {
		return nil, fmt.Errorf("SKU %s: %w", sku, err)
	}
	stored, err := storeMessage(m)
	if err != nil {
		return nil, err
	}
	return &bufEntry{Message: stored, SKU: sku, ProductType: pt, Patches: patches, Size: len(one), At: s.set.Clock.Now()}, nil
}

// feedMessage is one message of a JSON_LISTINGS_FEED document.
type feedMessage struct {
	MessageID     int             `json:"messageId"`
	SKU           string          `json:"sku"`
	OperationType string          `json:"operationType"`
	ProductType   string          `json:"productType"`
	Patches       json.RawMessage `json:"patches"`
}

// countBuffer recomputes the buffer statistics from State.
func (s *feedSink) countBuffer(ctx context.Context) error {
	count, size, oldest := 0, 0, time.Time{}
	err := loadAll(ctx, s.set.State, bufPrefix, func(k string, e *bufEntry) {
		s.keepSeq(k)
		if count == 0 || e.At.Before(oldest) {
			oldest = e.At
		}
		count++
		size += e.Size
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.count, s.bytes, s.oldest = count, size, oldest
	s.mu.Unlock()
	return nil
}
