package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// Metadata keys set on refund messages.
const (
	// MetaEventType is the financial event's type: Refund, GuaranteeClaim
	// or Chargeback.
	MetaEventType = "spapi-event-type"
	// MetaPosted is the event's PostedDate.
	MetaPosted = "spapi-posted"
)

// eventsStableAfter is how long before a call listFinancialEvents' times
// must be (Amazon requires more than two minutes).
const eventsStableAfter = 3 * time.Minute

type refundsFactory struct{ factory }

var _ component.SourceFactory = refundsFactory{}

// NewRefundsFactory returns the factory of the spapi.refunds source.
func NewRefundsFactory() component.SourceFactory {
	return refundsFactory{factory{typ: "spapi.refunds", kind: component.KindSource,
		newConfig: func() any { return newRefundsConfig() }}}
}

// refundsSource is polled by the engine: each poll reads one page of
// listFinancialEvents in a window [After, Before) of posted times; the
// next window starts where the last one ended, so every event is read
// once. Its cursor is a refundsCursor.
type refundsSource struct {
	component.Lifecycle
	cfg *RefundsConfig
	set component.SourceSettings
	api *client.Client
	op  *models.Operation
	// returns reads the returns report (nil without the returns option).
	returns *returnsReader
	// held is the page read and not published yet, for the retry.
	held *heldPage
}

// heldPage is a page a poll read and did not publish (its round waits for
// the returns report, or dead-lettering an event failed): the poll's retry
// from the same cursor publishes it rather than reading the window again,
// which would spend listFinancialEvents' rate on every not-ready answer.
// It lives in memory: a restarted source reads the window again from the
// cursor, which has not moved, so nothing is lost or published twice.
type heldPage struct {
	from   string        // the cursor the poll started from
	window refundsCursor // the window read, its Before fixed
	events []event
	next   string
}

var _ component.Poller = (*refundsSource)(nil)

// CreateSource returns the source; the engine polls it.
func (refundsFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[RefundsConfig]("spapi.refunds", cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connectionOf(set.Settings)
	if err != nil {
		return nil, err
	}
	s := &refundsSource{cfg: c, set: set, api: conn.api(), op: models.MustLookupOperation("listFinancialEvents")}
	if c.Returns != nil {
		markets := c.Returns.Marketplaces
		if len(markets) == 0 {
			markets = conn.Marketplaces()
		}
		s.returns = newReturnsReader(s.api, markets, c.Returns.Lookback.D())
	}
	return s, nil
}

// Polls is one loop every interval.
func (s *refundsSource) Polls() []component.Poll {
	return []component.Poll{{Every: s.cfg.Every.D(), Read: s.poll}}
}

// refundsCursor is where the poll is: the window being read (and the page
// token within it), or only where the next window starts.
type refundsCursor struct {
	After  time.Time `json:"after"`
	Before time.Time `json:"before,omitzero"`
	Next   string    `json:"next,omitempty"`
}

// poll reads the next page of the window in progress, or starts a window
// up to a little before now; a page it read and could not publish is
// published by its retry.
func (s *refundsSource) poll(ctx context.Context, cursor []byte) (component.Batch, error) {
	h, err := s.read(ctx, cursor)
	if err != nil || h == nil {
		return component.Batch{}, err
	}
	c := h.window
	if s.returns != nil && refundsUnits(h.events) {
		if err := s.returns.covering(ctx, c.After, c.Before); err != nil {
			return component.Batch{}, err
		}
		for _, ev := range h.events {
			s.returns.annotate(ev.body)
		}
	}
	b := component.Batch{}
	for _, ev := range h.events {
		m, err := s.message(ctx, ev)
		if err != nil {
			return component.Batch{}, err
		}
		if m != nil {
			b.Messages = append(b.Messages, m)
		}
	}
	s.held = nil
	if h.next != "" {
		c.Next, b.More = h.next, true
	} else {
		c = refundsCursor{After: c.Before}
	}
	b.Cursor = mustJSON(c)
	return b, nil
}

// read returns the page held for cursor, or reads the next page and holds
// it until it is published; nil when the next window is still empty.
func (s *refundsSource) read(ctx context.Context, cursor []byte) (*heldPage, error) {
	if s.held != nil && s.held.from == string(cursor) {
		return s.held, nil
	}
	s.held = nil
	var c refundsCursor
	if cursor != nil {
		if err := json.Unmarshal(cursor, &c); err != nil {
			return nil, component.Permanentf("reading the cursor: %w", err)
		}
	}
	now := s.set.Clock.Now().UTC()
	if c.After.IsZero() {
		c.After = now.Add(-s.cfg.Lookback.D()).Truncate(time.Second)
	}
	if c.Next == "" {
		c.Before = now.Add(-eventsStableAfter).Truncate(time.Second)
		if !c.Before.After(c.After) {
			return nil, nil
		}
	}
	events, next, err := s.page(ctx, c)
	if err != nil {
		return nil, err
	}
	s.held = &heldPage{from: string(cursor), window: c, events: events, next: next}
	return s.held, nil
}

// event is a financial event of a type the source reads.
type event struct {
	typ  string
	body map[string]any
}

// page reads one page of the window.
func (s *refundsSource) page(ctx context.Context, c refundsCursor) ([]event, string, error) {
	q := map[string][]string{
		"PostedAfter":       {c.After.Format(time.RFC3339)},
		"PostedBefore":      {c.Before.Format(time.RFC3339)},
		"MaxResultsPerPage": {"100"},
	}
	if c.Next != "" {
		q["NextToken"] = []string{c.Next}
	}
	resp, err := s.api.Do(ctx, &client.Request{Operation: s.op, Query: q})
	if err != nil {
		return nil, "", err
	}
	v, err := component.DecodeJSON(resp.Body)
	if err != nil {
		return nil, "", component.Retryable(fmt.Errorf("listFinancialEvents: malformed response: %w", err))
	}
	payload, _ := objectOf(v)["payload"].(map[string]any)
	lists := objectOf(payload["FinancialEvents"])
	var events []event
	for _, typ := range s.cfg.Events {
		items, _ := lists[refundEventLists[typ]].([]any)
		for _, it := range items {
			events = append(events, event{typ: typ, body: objectOf(it)})
		}
	}
	next, _ := payload["NextToken"].(string)
	return events, next, nil
}

// message turns an event into a message: the event with its type, id
// <type>-<order>-<first adjustment>. An event without an order or an
// adjusted item is dead-lettered (no message); an error means it could
// not be.
func (s *refundsSource) message(ctx context.Context, ev event) (*component.Message, error) {
	order, _ := ev.body["AmazonOrderId"].(string)
	items, _ := ev.body["ShipmentItemAdjustmentList"].([]any)
	var adj string
	if len(items) > 0 {
		adj, _ = objectOf(items[0])["OrderAdjustmentItemId"].(string)
	}
	body := map[string]any{"EventType": ev.typ}
	for k, v := range ev.body {
		body[k] = v
	}
	posted, _ := ev.body["PostedDate"].(string)
	id := strings.ToLower(ev.typ) + "-" + order + "-" + adj
	m := component.NewMessage(id, body)
	m.SetMeta(component.MetaKey, order+"/"+adj)
	m.SetMeta(component.MetaReceivedAt, s.set.Clock.Now().UTC().Format(time.RFC3339))
	m.SetMeta(MetaOrderID, order)
	m.SetMeta(MetaEventType, ev.typ)
	m.SetMeta(MetaPosted, posted)
	if order == "" || adj == "" {
		err := component.Permanentf("spapi.refunds: a %s event posted %s has no AmazonOrderId or no item adjustment with an OrderAdjustmentItemId", ev.typ, posted)
		s.set.Logger.Warn("spapi.refunds: event dead-lettered", "error", err)
		if dlErr := s.set.DeadLetter.DeadLetter(ctx, m, err); dlErr != nil {
			return nil, component.Retryable(fmt.Errorf("dead-lettering a %s event: %w", ev.typ, dlErr))
		}
		return nil, nil
	}
	return m, nil
}

// mapOf returns v as an object, or an empty one.
func objectOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
