package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/engine/component"
)

// The poller works in cycles (the engine's rounds). A cycle covers the
// window from the cursor to now minus two minutes (Amazon's newest two
// minutes are not yet stable) and pages through it with paginationToken,
// asking for 100 orders per page: one poll per page. The cursor lies up to
// `overlap` before the previous window's end, so late visible updates are
// read again (pollWindow.resume). Each page waits for a searchOrders token
// from the connection's shared limiter, so the poller never sends a call
// the usage plan would reject, and pages are full whenever 100 orders are
// waiting. The progress (window and next token) is the loop's cursor,
// which the engine stores after the page's orders were published; when the
// window is done the cursor moves to its end. The next cycle starts
// `every` after the previous one started, or at once when a cycle took
// longer (a backlog).

// amazonStableAfter is Amazon's rule: lastUpdatedBefore must be at least two
// minutes before the request.
const amazonStableAfter = 2 * time.Minute

const (
	pollStateKey = "poll"
	pageSize     = 100
)

// pollState is the poller's durable progress.
type pollState struct {
	// Cursor is where the next window starts: the end of the last completed
	// window, less what must be read again (see pollWindow.resume).
	Cursor time.Time `json:"cursor"`
	// Window is the window in progress, if any.
	Window *pollWindow `json:"window,omitempty"`
}

type pollWindow struct {
	After  time.Time `json:"after"`
	Before time.Time `json:"before"`
	// Read is when the first page was answered.
	Read time.Time `json:"read"`
	// Next is the pagination token of the next page ("" for the first).
	Next string `json:"next,omitempty"`
}

// Resume is where the next window starts. An order updated at u is assumed
// visible to searchOrders from u + 2 minutes + overlap on; the window's
// first page was read at Read, so everything up to Read − 2m − overlap was
// complete, and only the part of the window after that is read again. A
// window read long after its end (a backlog: the first page waited for a
// token) needs little or no overlap.
func (w *pollWindow) resume(overlap time.Duration) time.Time {
	safe := w.Read.Add(-amazonStableAfter - overlap)
	if safe.Before(w.Before) {
		return safe
	}
	return w.Before
}

// search reads the next page of the window in progress, or of a new one.
func (s *ordersSource) search(ctx context.Context, cursor []byte) (component.Batch, error) {
	var st pollState
	if cursor != nil {
		if err := json.Unmarshal(cursor, &st); err != nil {
			return component.Batch{}, component.Permanentf("reading the poll cursor: %w", err)
		}
	}
	if st.Window == nil {
		now := s.set.Clock.Now().UTC()
		after := st.Cursor
		if st.Cursor.IsZero() {
			after = now.Add(-s.cfg.Poll.Lookback.D())
		}
		before := now.Add(-amazonStableAfter).Truncate(time.Second)
		if !before.After(after) {
			return component.Batch{}, nil
		}
		st.Window = &pollWindow{After: after.Truncate(time.Second), Before: before}
	}
	orders, next, err := s.searchPage(ctx, st.Window)
	if err != nil {
		if !component.IsPermanent(err) || st.Window.Next == "" {
			return component.Batch{}, err
		}
		// An expired or rejected pagination token: start the window
		// again next cycle.
		s.set.Logger.Warn("spapi.orders: a page of the window was refused; reading the window again next cycle", "error", err)
		st.Window = nil
		return component.Batch{Cursor: mustJSON(st)}, nil
	}
	b, err := s.orderBatch(ctx, orders, "poll")
	if err != nil {
		return component.Batch{}, err
	}
	if st.Window.Next == "" {
		st.Window.Read = s.set.Clock.Now().UTC()
	}
	if next == "" {
		s.set.Logger.Debug("spapi.orders window done", "after", st.Window.After, "before", st.Window.Before, "last_page", len(orders))
		st.Cursor, st.Window = st.Window.resume(s.cfg.Poll.Overlap.D()), nil
	} else {
		st.Window.Next, b.More = next, true
	}
	b.Cursor = mustJSON(st)
	return b, nil
}

// searchPage fetches one page of a window.
func (s *ordersSource) searchPage(ctx context.Context, w *pollWindow) ([]any, string, error) {
	q := map[string][]string{
		"lastUpdatedAfter":  {w.After.Format(time.RFC3339)},
		"lastUpdatedBefore": {w.Before.Format(time.RFC3339)},
		"marketplaceIds":    s.markets,
		"maxResultsPerPage": {strconv.Itoa(pageSize)},
	}
	if len(s.cfg.IncludedData) > 0 {
		q["includedData"] = s.cfg.IncludedData
	}
	if len(s.cfg.FulfillmentStatuses) > 0 {
		q["fulfillmentStatuses"] = s.cfg.FulfillmentStatuses
	}
	if w.Next != "" {
		q["paginationToken"] = []string{w.Next}
	}
	resp, err := s.api.Do(ctx, &client.Request{Operation: s.searchOp, Query: q})
	if err != nil {
		return nil, "", err
	}
	var page struct {
		Orders     []json.RawMessage `json:"orders"`
		Pagination struct {
			NextToken string `json:"nextToken"`
		} `json:"pagination"`
	}
	if err := json.Unmarshal(resp.Body, &page); err != nil {
		return nil, "", component.Retryable(fmt.Errorf("searchOrders: malformed response: %w", err))
	}
	orders := make([]any, 0, len(page.Orders))
	for _, raw := range page.Orders {
		v, err := component.DecodeJSON(raw)
		if err != nil {
			return nil, "", component.Retryable(fmt.Errorf("searchOrders: malformed order: %w", err))
		}
		orders = append(orders, v)
	}
	return orders, page.Pagination.NextToken, nil
}
