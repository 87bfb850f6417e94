package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// feedContentType is the feed document's content type; the upload must use
// exactly the one given to createFeedDocument.
const feedContentType = "application/json; charset=UTF-8"

// loop advances the feeds in flight and cuts a new feed when the buffer
// reaches a bound, then sleeps until the next getFeed check or window end.
func (s *feedSink) loop(ctx context.Context) {
	// The buffer is counted again from State when the loop starts (this
	// engine just took it over) and after each timed wait: other engines
	// buffer messages too, and only this loop's owner cuts feeds.
	recount := true
	for {
		if recount {
			if err := s.countBuffer(ctx); err != nil && ctx.Err() == nil {
				s.set.Logger.Warn("spapi.feed: counting the buffer failed", "error", err)
			}
		}
		recount = false
		inFlight, err := s.step(ctx)
		if err != nil && ctx.Err() == nil {
			s.set.Logger.Warn("spapi.feed step failed", "error", err)
		}
		wait := s.cfg.Flush.Window.D()
		s.mu.Lock()
		if s.count > 0 {
			wait = s.oldest.Add(s.cfg.Flush.Window.D()).Sub(s.set.Clock.Now())
		}
		s.mu.Unlock()
		if inFlight || err != nil {
			wait = min(wait, s.cfg.checkEvery())
		}
		woke, err := component.SleepOrWake(ctx, s.set.Clock, wait, s.wake)
		if err != nil {
			return
		}
		recount = !woke
	}
}

// step advances every feed record and cuts a new feed when one is due. It
// reports whether feeds remain in flight.
func (s *feedSink) step(ctx context.Context) (bool, error) {
	var records []*feedRecord
	if err := loadAll(ctx, s.set.State, feedPrefix, func(k string, r *feedRecord) { r.Key = k; records = append(records, r) }); err != nil {
		return false, err
	}
	var errs []error
	if s.due() {
		r, err := s.cut(ctx)
		if err != nil {
			return len(records) > 0, err
		}
		records = append(records, r)
	}
	inFlight := false
	for _, r := range records {
		done, err := s.advance(ctx, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("feed %s: %w", r.Key, err))
		}
		inFlight = inFlight || !done
	}
	return inFlight, errors.Join(errs...)
}

// due reports whether the buffer reached a bound.
func (s *feedSink) due() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.cfg.Flush
	return s.count > 0 && (s.count >= f.MaxMessages || s.bytes >= f.MaxBytes ||
		!s.set.Clock.Now().Before(s.oldest.Add(f.Window.D())))
}

// cut moves the oldest buffered entries, within the bounds, into a new feed
// record.
func (s *feedSink) cut(ctx context.Context) (*feedRecord, error) {
	r := &feedRecord{Key: s.seqKey(feedPrefix), Stage: stageNew, CreatedAt: s.set.Clock.Now()}
	size := 0
	err := loadAll(ctx, s.set.State, bufPrefix, func(_ string, e *bufEntry) {
		if len(r.Entries) < s.cfg.Flush.MaxMessages && (len(r.Entries) == 0 || size+e.Size <= s.cfg.Flush.MaxBytes) {
			r.Entries = append(r.Entries, *e)
			size += e.Size
		}
	})
	if err != nil {
		return nil, err
	}
	if err := putJSON(ctx, s.set.State, r.Key, r); err != nil {
		return nil, err
	}
	for _, e := range r.Entries {
		if err := s.set.State.Delete(ctx, e.Key); err != nil {
			return nil, err
		}
	}
	return r, s.countBuffer(ctx)
}

// advance moves a feed as far as it can without waiting; it reports whether
// the feed is finished (and its record deleted).
func (s *feedSink) advance(ctx context.Context, r *feedRecord) (bool, error) {
	var err error
	switch r.Stage {
	case stageNew:
		err = s.submit(ctx, r)
	case stageSubmitted:
		err = s.check(ctx, r)
	}
	if err != nil {
		if component.IsPermanent(err) {
			return true, s.fail(ctx, r, err)
		}
		return false, err
	}
	if r.Stage != stageDone {
		return false, nil
	}
	if err := s.route(ctx, r); err != nil {
		if component.IsPermanent(err) {
			return true, s.fail(ctx, r, err)
		}
		return false, err
	}
	return true, nil
}

// submit builds and validates the document, uploads it and creates the feed.
func (s *feedSink) submit(ctx context.Context, r *feedRecord) error {
	doc, err := s.document(r)
	if err != nil {
		return err
	}
	var created struct {
		FeedDocumentID string `json:"feedDocumentId"`
		URL            string `json:"url"`
	}
	// An upload URL that expired while the upload waited (rate limits,
	// retries) is replaced by a new feed document.
	err = withFreshURL(func() error {
		if err := s.callJSON(ctx, &client.Request{Operation: s.ops.createDoc, Body: mustJSON(map[string]string{"contentType": feedContentType})}, &created); err != nil {
			return err
		}
		return s.api.Upload(ctx, created.URL, feedContentType, doc)
	})
	if err != nil {
		return err
	}
	var feed struct {
		FeedID string `json:"feedId"`
	}
	body := mustJSON(map[string]any{"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": s.markets, "inputFeedDocumentId": created.FeedDocumentID})
	if err := s.callJSON(ctx, &client.Request{Operation: s.ops.createFeed, Body: body, Detach: true}, &feed); err != nil {
		return err
	}
	// From here on a shutdown must not lose the feed id.
	ctx = context.WithoutCancel(ctx)
	r.Stage, r.FeedID = stageSubmitted, feed.FeedID
	s.polled[feed.FeedID] = s.set.Clock.Now()
	s.set.Logger.Info("spapi.feed submitted", "feed_id", feed.FeedID, "messages", len(r.Entries))
	return putJSON(ctx, s.set.State, r.Key, r)
}

// document builds the JSON_LISTINGS_FEED document of r (message ids are
// positions, from 1) and validates it against Amazon's schema.
func (s *feedSink) document(r *feedRecord) ([]byte, error) {
	msgs := make([]feedMessage, len(r.Entries))
	for i, e := range r.Entries {
		msgs[i] = feedMessage{MessageID: i + 1, SKU: e.SKU, OperationType: "PATCH", ProductType: e.ProductType, Patches: e.Patches}
	}
	doc, err := json.Marshal(map[string]any{
		"header":   map[string]string{"sellerId": s.seller, "version": "2.0", "issueLocale": s.cfg.IssueLocale},
		"messages": msgs,
	})
	if err != nil {
		return nil, err
	}
	if err := models.ValidateListingsFeed(doc); err != nil {
		return nil, component.Permanent(err)
	}
	return doc, nil
}

// check learns whether the feed finished: from its
// FEED_PROCESSING_FINISHED announcement when one came, else from getFeed
// once the poll interval passed since the last ask.
func (s *feedSink) check(ctx context.Context, r *feedRecord) error {
	feed, found, err := s.finished(ctx, r.FeedID)
	if err != nil || !found {
		return err
	}
	switch feed.ProcessingStatus {
	case "DONE", "FATAL", "CANCELLED":
		delete(s.polled, r.FeedID)
	}
	switch feed.ProcessingStatus {
	case "DONE":
		r.Stage, r.ResultDocumentID = stageDone, feed.ResultFeedDocumentID
		return putJSON(ctx, s.set.State, r.Key, r)
	case "FATAL", "CANCELLED":
		return component.Permanentf("feed %s ended %s", r.FeedID, feed.ProcessingStatus)
	}
	return nil
}

// callJSON calls an operation and decodes its JSON answer into out.
func (s *feedSink) callJSON(ctx context.Context, req *client.Request, out any) error {
	resp, err := s.api.Do(ctx, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return component.Retryable(fmt.Errorf("%s: malformed response: %w", req.Operation.Name, err))
	}
	return nil
}

// fail dead-letters every message of r with reason and drops the record.
func (s *feedSink) fail(ctx context.Context, r *feedRecord, reason error) error {
	s.set.Logger.Warn("spapi.feed failed", "feed_id", r.FeedID, "messages", len(r.Entries), "error", reason)
	for _, e := range r.Entries {
		err := fmt.Errorf("SKU %s: %w", e.SKU, reason)
		if err := s.set.DeadLetter.DeadLetter(ctx, e.Message.message(), component.Permanent(err)); err != nil {
			return err
		}
	}
	s.outcome.WithLabelValues("failed").Add(float64(len(r.Entries)))
	return s.set.State.Delete(ctx, r.Key)
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings: cannot fail
	}
	return data
}
