package sage500

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// window remembers the messages a query source published whose watermark
// is still inside the part of the table each poll reads again (at or after
// the cursor less the lookback), so that a row read again is not published
// again, however long the lookback. A message ID is the query, the key and
// the watermark, i.e. the row's version: a row updated since is a new
// message. Each ID is its own State entry (published.<hash>), so no single
// value grows with the window; entries that fall out of the window are
// deleted.
type window struct {
	st   component.State
	loc  *time.Location
	seen map[string]any // message ID -> watermark
}

const windowPrefix = "published."

// windowKey is the State key of a message ID (IDs hold characters keys
// cannot).
func windowKey(id string) string {
	h := sha256.Sum256([]byte(id))
	return windowPrefix + hex.EncodeToString(h[:16])
}

// loadWindow reads the window's entries.
func loadWindow(ctx context.Context, st component.State, loc *time.Location) (*window, error) {
	w := &window{st: st, loc: loc, seen: map[string]any{}}
	keys, err := st.Keys(ctx, windowPrefix)
	if err != nil {
		return nil, fmt.Errorf("reading the published window: %w", err)
	}
	for _, k := range keys {
		b, err := st.Get(ctx, k)
		if errors.Is(err, component.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("reading the published window: %w", err)
		}
		v, err := component.DecodeJSON(b)
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			return nil, fmt.Errorf("reading the published window: %s is not a JSON object", k)
		}
		id, _ := m["id"].(string)
		kind, _ := m["kind"].(string)
		value, _ := m["watermark"].(string)
		wm, err := decodeWatermark(kind, value, loc)
		if err != nil {
			return nil, fmt.Errorf("reading the published window: %s: %w", k, err)
		}
		w.seen[id] = wm
	}
	return w, nil
}

// has reports whether the message was published.
func (w *window) has(id string) bool {
	_, ok := w.seen[id]
	return ok
}

// add remembers a published message durably.
func (w *window) add(ctx context.Context, id string, wm any) error {
	kind, value, err := encodeWatermark(wm)
	if err != nil {
		return err
	}
	b, err := component.EncodeJSON(map[string]any{"id": id, "kind": kind, "watermark": value})
	if err == nil {
		err = w.st.Put(ctx, windowKey(id), b)
	}
	if err != nil {
		return fmt.Errorf("remembering %s: %w", id, err)
	}
	w.seen[id] = wm
	return nil
}

// prune forgets the messages whose watermark is before floor: no poll
// reads them again.
func (w *window) prune(ctx context.Context, floor any) error {
	for id, wm := range w.seen {
		if c, err := compareWatermarks(wm, floor); err != nil || c >= 0 {
			continue
		}
		if err := w.st.Delete(ctx, windowKey(id)); err != nil {
			return fmt.Errorf("forgetting %s: %w", id, err)
		}
		delete(w.seen, id)
	}
	return nil
}
