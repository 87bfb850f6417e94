package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/engine/component"
)

// The poller works in cycles. A cycle covers the window from the cursor to
// now minus two minutes (Amazon's newest two minutes are not yet stable) and
// pages through it with paginationToken, asking for 100 orders per page. The
// cursor lies up to `overlap` before the previous window's end, so late
// visible updates are read again (pollWindow.resume). Each page waits for a searchOrders token from the
// connection's shared limiter, so the poller never sends a call the usage
// plan would reject, and pages are full whenever 100 orders are waiting.
// After each page the progress (window and next token) is saved in State,
// after its orders were published; when the window is done the cursor
// moves to its end. The next cycle starts `every` after the previous one
// started, or at once when a cycle took longer (a backlog).

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

func (s *ordersSource) pollLoop(ctx context.Context) {
	every := s.cfg.Poll.Every.D()
	for {
		start := s.set.Clock.Now()
		if err := s.cycle(ctx); err != nil && ctx.Err() == nil {
			s.set.Logger.Warn("spapi.orders poll cycle failed", "error", err)
		}
		wait := start.Add(every).Sub(s.set.Clock.Now())
		select {
		case <-ctx.Done():
			return
		case <-s.set.Clock.After(wait):
		}
	}
}

// cycle pages through one window (or the rest of an interrupted one).
func (s *ordersSource) cycle(ctx context.Context) error {
	st, err := s.loadPollState(ctx)
	if err != nil {
		return err
	}
	if st.Window == nil {
		now := s.set.Clock.Now().UTC()
		after := st.Cursor
		if st.Cursor.IsZero() {
			after = now.Add(-s.cfg.Poll.Lookback.D())
		}
		before := now.Add(-amazonStableAfter).Truncate(time.Second)
		if !before.After(after) {
			return nil
		}
		st.Window = &pollWindow{After: after.Truncate(time.Second), Before: before}
	}
	for {
		orders, next, err := s.searchPage(ctx, st.Window)
		if err != nil {
			if component.IsPermanent(err) && st.Window.Next != "" {
				// An expired or rejected pagination token: start the
				// window again next cycle.
				st.Window = nil
				_ = s.savePollState(ctx, st)
			}
			return err
		}
		if err := s.publishOrders(ctx, orders, "poll"); err != nil {
			return err
		}
		if st.Window.Next == "" {
			st.Window.Read = s.set.Clock.Now().UTC()
		}
		if next == "" {
			s.set.Logger.Debug("spapi.orders window done", "after", st.Window.After, "before", st.Window.Before, "last_page", len(orders))
			st.Cursor, st.Window = st.Window.resume(s.cfg.Poll.Overlap.D()), nil
			return s.savePollState(ctx, st)
		}
		st.Window.Next = next
		if err := s.savePollState(ctx, st); err != nil {
			return err
		}
	}
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

func (s *ordersSource) loadPollState(ctx context.Context) (pollState, error) {
	var st pollState
	data, err := s.set.State.Get(ctx, pollStateKey)
	if errors.Is(err, component.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading the poll cursor: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("reading the poll cursor: %w", err)
	}
	return st, nil
}

func (s *ordersSource) savePollState(ctx context.Context, st pollState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.set.State.Put(ctx, pollStateKey, data); err != nil {
		return fmt.Errorf("saving the poll cursor: %w", err)
	}
	return nil
}
