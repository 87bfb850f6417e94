package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// FEED_PROCESSING_FINISHED announcements are kept where every feed sink of
// the seller sees them, whichever intake received one: in the project's
// shared state (component.Settings.Shared, JetStream KV, so an engine of a
// cluster running a feed's loop sees what another engine's webhook took),
// or in the connection's memory where there is none (a single process).
// The shared keys are a fixed ring, spapi.feed-finished.<seller>.<slot>,
// each holding the latest announcements hashed to it, so the bucket does
// not grow with every feed.

const (
	// announceSlots is the ring's size and announcePerSlot the
	// announcements a slot keeps (the oldest goes first): a feed's
	// announcement is forgotten only after thousands of newer feeds.
	announceSlots   = 64
	announcePerSlot = 32
	// announceTries bounds the compare-and-set retries of one record.
	announceTries = 10
)

// announcement is what a FEED_PROCESSING_FINISHED notification says.
type announcement struct {
	FeedID               string `json:"feed_id"`
	ProcessingStatus     string `json:"processing_status"`
	ResultFeedDocumentID string `json:"result_feed_document_id,omitempty"`
	NotificationID       string `json:"notification_id"`
}

// announcements is the seller's record of finished feeds; it is safe for
// concurrent use. The feed sinks of the process watch it: a record wakes
// their loops at once (those of other engines look at their next check).
type announcements struct {
	shared   component.SharedState // nil: local only
	seller   string
	mu       sync.Mutex
	local    map[string]announcement
	watchers map[chan struct{}]bool
}

func newAnnouncements(shared component.SharedState, seller string) *announcements {
	return &announcements{shared: shared, seller: seller, local: map[string]announcement{}, watchers: map[chan struct{}]bool{}}
}

// watch makes every record signal wake (without blocking); unwatch ends it.
func (a *announcements) watch(wake chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.watchers[wake] = true
}

func (a *announcements) unwatch(wake chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.watchers, wake)
}

// wakeAll signals the watchers.
func (a *announcements) wakeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for w := range a.watchers {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

func (a *announcements) slotKey(feedID string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(feedID))
	return fmt.Sprintf("spapi.feed-finished.%s.%d", a.seller, h.Sum32()%announceSlots)
}

// record keeps an announcement (again: a redelivered notification
// changes nothing).
func (a *announcements) record(ctx context.Context, an announcement) error {
	if err := a.store(ctx, an); err != nil {
		return err
	}
	a.wakeAll()
	return nil
}

func (a *announcements) store(ctx context.Context, an announcement) error {
	if a.shared == nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.local[an.FeedID] = an
		return nil
	}
	key := a.slotKey(an.FeedID)
	for range announceTries {
		list, rev, err := a.slot(ctx, key)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(list, func(x announcement) bool { return x.FeedID == an.FeedID }) {
			return nil
		}
		list = append(list, an)
		if n := len(list) - announcePerSlot; n > 0 {
			list = list[n:]
		}
		data, _ := json.Marshal(list) // strings only: cannot fail
		if _, err := a.shared.Set(ctx, key, data, rev); !errors.Is(err, component.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("recording the announcement of feed %s: %w", an.FeedID, component.ErrConflict)
}

// lookup returns the announcement of a feed, if one came.
func (a *announcements) lookup(ctx context.Context, feedID string) (announcement, bool, error) {
	if a.shared == nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		an, ok := a.local[feedID]
		return an, ok, nil
	}
	list, _, err := a.slot(ctx, a.slotKey(feedID))
	if err != nil {
		return announcement{}, false, err
	}
	for _, an := range list {
		if an.FeedID == feedID {
			return an, true, nil
		}
	}
	return announcement{}, false, nil
}

// forget drops a feed's announcement from local memory once the feed is
// done (the shared ring forgets by itself).
func (a *announcements) forget(feedID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.local, feedID)
}

// slot reads one ring slot and its revision (0 when empty).
func (a *announcements) slot(ctx context.Context, key string) ([]announcement, uint64, error) {
	data, rev, err := a.shared.Get(ctx, key)
	if errors.Is(err, component.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var list []announcement
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, rev, nil // unreadable: start the slot afresh
	}
	return list, rev, nil
}
