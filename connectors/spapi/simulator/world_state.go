package simulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// A world file holds everything the simulated world remembers (orders and
// their history, listings, stock, feeds, reports, documents, tokens,
// notifications and what is still to be pushed, the events to come and the
// random sources) as gzip-compressed JSON, so that a restarted simulator
// goes on where it stopped; world_file.go reads and writes it. Rate-limit
// buckets start full again.

// worldFormat is the format version of world files.
const worldFormat = 1

type worldFile struct {
	Format  int       `json:"format"`
	SavedAt time.Time `json:"saved_at"`
	Started time.Time `json:"started"`
	Seq     uint64    `json:"seq"`
	IDs     uint64    `json:"ids"`
	// RNG holds the random sources' states by name.
	RNG           map[string][]byte        `json:"rng"`
	Events        []savedEvent             `json:"events"`
	Orders        []savedOrder             `json:"orders"`
	Listings      []savedListing           `json:"listings"`
	FBA           []savedFBA               `json:"fba"`
	Documents     []savedDocument          `json:"documents"`
	Feeds         []*Feed                  `json:"feeds"`
	Reports       []*Report                `json:"reports"`
	Tokens        map[string]savedToken    `json:"tokens"`
	Destinations  []*destination           `json:"destinations"`
	Subscriptions map[string]*subscription `json:"subscriptions"`
	Notes         []*Notification          `json:"notifications"`
	// Fulfillment are the Multi-Channel Fulfillment orders.
	Fulfillment []*FulfillmentOrder `json:"fulfillment_orders,omitempty"`
	// Pending are the ids of notifications still to be pushed.
	Pending []string `json:"pending"`
	Stats   Stats    `json:"stats"`
}

type savedEvent struct {
	At    time.Time      `json:"at"`
	Kind  eventKind      `json:"kind"`
	Ref   string         `json:"ref,omitempty"`
	Start time.Time      `json:"start,omitzero"`
	Plan  *lifecyclePlan `json:"plan,omitempty"`
}

type savedOrder struct {
	Order
	History []savedChange `json:"history"`
}

type savedChange struct {
	At     time.Time `json:"at"`
	Status Status    `json:"status"`
}

// savedListing keeps the attributes in the engine's value model (decimals
// and integers exactly).
type savedListing struct {
	Listing
	Attributes json.RawMessage `json:"attributes"`
}

type savedFBA struct {
	SKU, MarketplaceID string
	Fulfillable        int
	Updated            time.Time
}

type savedDocument struct {
	ID, ContentType           string
	Data                      []byte
	Gzipped, Upload, Uploaded bool
}

type savedToken struct {
	Kind      tokenKind            `json:"kind"`
	Subject   string               `json:"subject"`
	Expires   time.Time            `json:"expires"`
	Resources []restrictedResource `json:"resources,omitempty"`
}

// rngs names the random sources for the world file.
func (s *Server) rngs() map[string]*rand.PCG {
	return map[string]*rand.PCG{"generator": s.rngSrc[0], "manual": s.rngSrc[1], "faults": s.rngSrc[2], "ids": s.rngSrc[3]}
}

// encodeWorld returns the world file's content. The caller holds s.mu.
func (s *Server) encodeWorld() ([]byte, error) {
	w := worldFile{Format: worldFormat, SavedAt: s.clock.Now(), Started: s.started, Seq: s.seq, IDs: s.ids,
		RNG: map[string][]byte{}, Feeds: s.feedList, Reports: s.reports, Tokens: map[string]savedToken{},
		Destinations: s.dests, Subscriptions: s.subs, Notes: s.notes, Stats: s.stats,
		Fulfillment: s.fulfillmentList}
	for name, src := range s.rngs() {
		state, err := src.MarshalBinary()
		if err != nil {
			return nil, err
		}
		w.RNG[name] = state
	}
	for _, e := range s.events {
		w.Events = append(w.Events, savedEvent{At: e.at, Kind: e.kind, Ref: e.ref, Start: e.start, Plan: e.plan})
	}
	for _, o := range s.orderList {
		oj := savedOrder{Order: *o}
		for _, c := range o.history {
			oj.History = append(oj.History, savedChange{At: c.at, Status: c.status})
		}
		w.Orders = append(w.Orders, oj)
	}
	for _, sku := range sortedKeys(s.listings) {
		l := s.listings[sku]
		attrs, err := component.EncodeJSON(l.Attributes)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", sku, err)
		}
		w.Listings = append(w.Listings, savedListing{Listing: *l, Attributes: attrs})
	}
	for _, k := range sortedKeys(s.fbaStock) {
		f := s.fbaStock[k]
		w.FBA = append(w.FBA, savedFBA{SKU: f.sku, MarketplaceID: f.marketplaceID, Fulfillable: f.fulfillable, Updated: f.updated})
	}
	for _, id := range sortedKeys(s.documents) {
		d := s.documents[id]
		w.Documents = append(w.Documents, savedDocument{ID: d.id, ContentType: d.contentType, Data: d.data, Gzipped: d.gzipped, Upload: d.upload, Uploaded: d.uploaded})
	}
	for v, t := range s.tokens {
		w.Tokens[v] = savedToken{Kind: t.kind, Subject: t.subject, Expires: t.expires, Resources: t.resources}
	}
	for _, n := range s.outbox {
		w.Pending = append(w.Pending, n.ID)
	}
	for _, id := range sortedKeys(s.pushing) {
		w.Pending = append(w.Pending, id)
	}
	return json.Marshal(w)
}

// decodeWorld replaces the world with a world file's. The caller holds s.mu.
func (s *Server) decodeWorld(data []byte) error {
	var w worldFile
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.Format != worldFormat {
		return fmt.Errorf("format %d, want %d", w.Format, worldFormat)
	}
	if s.ownClock && w.SavedAt.After(s.clock.Now()) {
		// A clock of its own resumes where the world stopped.
		s.clock = component.NewScaledClock(w.SavedAt, s.cfg.TimeScale)
	}
	for name, src := range s.rngs() {
		if err := src.UnmarshalBinary(w.RNG[name]); err != nil {
			return fmt.Errorf("random source %s: %w", name, err)
		}
	}
	s.started, s.seq, s.ids, s.stats = w.Started, w.Seq, w.IDs, w.Stats
	s.orders, s.orderList = map[string]*Order{}, nil
	for _, oj := range w.Orders {
		o := oj.Order
		for _, c := range oj.History {
			o.history = append(o.history, change{at: c.At, status: c.Status})
		}
		s.orders[o.ID], s.orderList = &o, append(s.orderList, &o)
	}
	s.listings = map[string]*Listing{}
	for _, lj := range w.Listings {
		attrs, err := component.DecodeJSON(lj.Attributes)
		if err != nil {
			return fmt.Errorf("listing %s: %w", lj.SKU, err)
		}
		l := lj.Listing
		l.Attributes, _ = attrs.(map[string]any)
		s.listings[l.SKU] = &l
	}
	s.fbaStock = map[string]*fbaItem{}
	for _, f := range w.FBA {
		s.fbaStock[fbaKey(f.MarketplaceID, f.SKU)] = &fbaItem{sku: f.SKU, marketplaceID: f.MarketplaceID, fulfillable: f.Fulfillable, updated: f.Updated}
	}
	s.documents = map[string]*document{}
	for _, d := range w.Documents {
		s.documents[d.ID] = &document{id: d.ID, contentType: d.ContentType, data: d.Data, gzipped: d.Gzipped, upload: d.Upload, uploaded: d.Uploaded}
	}
	s.feeds, s.feedList = map[string]*Feed{}, w.Feeds
	for _, f := range w.Feeds {
		s.feeds[f.ID] = f
	}
	s.reports, s.dests = w.Reports, w.Destinations
	s.subs = w.Subscriptions
	if s.subs == nil {
		s.subs = map[string]*subscription{}
	}
	s.tokens = map[string]*accessToken{}
	for v, t := range w.Tokens {
		s.tokens[v] = &accessToken{kind: t.Kind, subject: t.Subject, expires: t.Expires, resources: t.Resources}
	}
	s.notes, s.noteByID, s.outbox = w.Notes, map[string]*Notification{}, nil
	for _, n := range w.Notes {
		s.noteByID[n.ID] = n
	}
	for _, id := range w.Pending {
		if n := s.noteByID[id]; n != nil {
			s.outbox = append(s.outbox, n)
		}
	}
	s.fulfillment, s.fulfillmentList = map[string]*FulfillmentOrder{}, w.Fulfillment
	for _, f := range w.Fulfillment {
		s.fulfillment[f.ID] = f
	}
	s.events = nil
	for _, e := range w.Events {
		s.schedule(&event{at: e.At, kind: e.Kind, ref: e.Ref, start: e.Start, plan: e.Plan})
	}
	return nil
}
