package service

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// The listing board keeps the latest state of each marketplace listing
// components report (component.ListingBoard) in the engine's State bucket
// (JetStream KV: it survives restarts and every engine of a cluster sees
// the same), one key per SKU and marketplace. A listing with an open issue
// or without BUYABLE among its statuses is a problem the console, the API
// (GET /api/listings/issues) and alerts show; a later update saying the
// issues are gone and the listing buyable clears it.

// ListingIssue is the latest state of a listing with a problem.
type ListingIssue struct {
	SKU         string   `json:"sku"`
	Marketplace string   `json:"marketplace"`
	ASIN        string   `json:"asin,omitempty"`
	Status      []string `json:"status"`
	// StatusKnown: a status notification came (else Status says nothing).
	StatusKnown bool     `json:"status_known"`
	Severities  []string `json:"severities"`
	Actions     []string `json:"actions"`
	// Severity is the worst: ERROR, WARNING, or NOT_BUYABLE for a listing
	// whose only problem is its status.
	Severity string `json:"severity"`
	// Since is when the problem began, At the latest update.
	Since  time.Time `json:"since"`
	At     time.Time `json:"at"`
	Source string    `json:"source,omitempty"`
}

// Open reports whether the listing has a problem.
func (l *ListingIssue) Open() bool { return l.Severity != "" }

func (l *ListingIssue) rate() {
	switch {
	case slices.Contains(l.Severities, "ERROR"):
		l.Severity = "ERROR"
	case len(l.Severities) > 0:
		l.Severity = "WARNING"
	case l.StatusKnown && !slices.Contains(l.Status, "BUYABLE"):
		l.Severity = "NOT_BUYABLE"
	default:
		l.Severity = ""
	}
}

// listingBoard is component.ListingBoard over State.
type listingBoard struct {
	st component.State
	mu sync.Mutex // orders this engine's read-modify-writes
}

var _ component.ListingBoard = (*listingBoard)(nil)

func newListingBoard(st component.State) *listingBoard { return &listingBoard{st: st} }

// listingKey is a State key for any SKU (SKUs may hold characters keys
// cannot).
func listingKey(sku, marketplace string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sku)) + "." + marketplace
}

// Record merges u into the listing's entry; a listing without a problem
// keeps no entry.
func (b *listingBoard) Record(ctx context.Context, u component.ListingUpdate) error {
	if u.SKU == "" || u.Marketplace == "" {
		return component.Permanentf("a listing update needs a SKU and a marketplace")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	key := listingKey(u.SKU, u.Marketplace)
	l, err := b.get(ctx, key)
	if err != nil && !errors.Is(err, component.ErrNotFound) {
		return err
	}
	if u.At.Before(l.At) {
		return nil // older than what the board shows
	}
	wasOpen := l.Open()
	l.SKU, l.Marketplace, l.At, l.Source = u.SKU, u.Marketplace, u.At, u.Source
	if u.ASIN != "" {
		l.ASIN = u.ASIN
	}
	if u.Status != nil {
		l.Status, l.StatusKnown = u.Status, true
	}
	if u.Severities != nil {
		l.Severities, l.Actions = u.Severities, u.Actions
	}
	l.rate()
	if !l.Open() {
		return b.delete(ctx, key) // cleared, or never a problem
	}
	if !wasOpen {
		l.Since = u.At
	}
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return b.st.Put(ctx, key, data)
}

func (b *listingBoard) delete(ctx context.Context, key string) error {
	if err := b.st.Delete(ctx, key); err != nil && !errors.Is(err, component.ErrNotFound) {
		return err
	}
	return nil
}

func (b *listingBoard) get(ctx context.Context, key string) (ListingIssue, error) {
	var l ListingIssue
	data, err := b.st.Get(ctx, key)
	if err != nil {
		return l, err
	}
	return l, json.Unmarshal(data, &l)
}

// issues returns the open problems, worst and newest first.
func (b *listingBoard) issues(ctx context.Context) ([]ListingIssue, error) {
	keys, err := b.st.Keys(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []ListingIssue{}
	for _, k := range keys {
		l, err := b.get(ctx, k)
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, l)
	}
	rank := map[string]int{"ERROR": 0, "WARNING": 1, "NOT_BUYABLE": 2}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return rank[out[i].Severity] < rank[out[j].Severity]
		}
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].SKU+out[i].Marketplace < out[j].SKU+out[j].Marketplace
	})
	return out, nil
}

// openListings makes the engine's board on its State bucket.
func (e *Engine) openListings() {
	e.listings = newListingBoard(transport.NewState(e.stateKV, "engine/listings"))
}

// Listings is the board components record listing news into (nil before
// the engine started).
func (e *Engine) Listings() component.ListingBoard {
	if e.listings == nil {
		return nil
	}
	return e.listings
}

// ListingIssues returns the listings with a problem, worst and newest
// first: ERROR issues, WARNING issues, then listings not BUYABLE.
func (e *Engine) ListingIssues(ctx context.Context) ([]ListingIssue, error) {
	if e.listings == nil {
		return nil, nil
	}
	issues, err := e.listings.issues(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the listing board: %w", err)
	}
	return issues, nil
}

// registerListingsAPI serves GET /api/listings/issues: the listings with
// a problem as JSON {"issues": [...]}; it needs the admin token or a
// loopback client, like the DLQ API.
func (s *httpServer) registerListingsAPI() {
	s.mux.Handle("GET /api/listings/issues", s.admin(func(w http.ResponseWriter, r *http.Request) {
		issues, err := s.e.ListingIssues(r.Context())
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"issues": issues})
	}))
}
