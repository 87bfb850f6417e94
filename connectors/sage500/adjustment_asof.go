package sage500

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// A reading of stock counted elsewhere may reach the sink after a newer
// one (two readings of one item made and written concurrently). A
// document with AsOf (when the quantity was true, e.g. Amazon's
// lastUpdatedTime) is applied only if it is not older than the last one
// applied to the warehouse and item; that time is kept in the sink's
// State, read and written while the transaction holds the item's stock
// row, so concurrent writers of one item see each other's.

// asOfKey is the State key of a warehouse and item: their IDs may hold
// characters keys may not.
func asOfKey(whseID, itemID string) string {
	return "asof/" + base64.RawURLEncoding.EncodeToString([]byte(whseID+"\x00"+itemID))
}

// parseAsOf reads the optional AsOf field: an RFC 3339 time.
func parseAsOf(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v, nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("AsOf: want an RFC 3339 time, got %q", v)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("AsOf: want an RFC 3339 time, got %T", v)
}

// stale reports whether a newer reading than doc's was applied. The
// caller holds the item's stock row.
func (s *adjustmentSink) stale(ctx context.Context, doc adjustmentDoc) (bool, error) {
	if doc.asOf.IsZero() {
		return false, nil
	}
	b, err := s.state.Get(ctx, asOfKey(doc.whseID, doc.itemID))
	switch {
	case errors.Is(err, component.ErrNotFound):
		return false, nil
	case err != nil:
		return false, component.Retryable(fmt.Errorf("reading the last applied AsOf: %w", err))
	}
	var last time.Time
	if err := last.UnmarshalText(b); err != nil {
		return false, nil // unreadable: apply, and overwrite it
	}
	return doc.asOf.Before(last), nil
}

// applied records doc's AsOf as the last applied one, before the
// transaction commits: a commit that then fails leaves a time no newer
// than the reading its retry applies.
func (s *adjustmentSink) applied(ctx context.Context, doc adjustmentDoc) error {
	if doc.asOf.IsZero() {
		return nil
	}
	b, _ := doc.asOf.UTC().MarshalText()
	if err := s.state.Put(ctx, asOfKey(doc.whseID, doc.itemID), b); err != nil {
		return component.Retryable(fmt.Errorf("recording the applied AsOf: %w", err))
	}
	return nil
}
