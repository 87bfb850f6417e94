package spapi

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// A feed sink learns that a feed finished from its FEED_PROCESSING_FINISHED
// notification, recorded by the intake among the seller's announcements
// (feed_announce.go) before the endpoint answers 2xx; the loop looks a
// feed up there before it spends a getFeed call, which remains the slower
// safety net.

// feedStatus is what the sink needs to know of a feed: from getFeed or an
// announcement.
type feedStatus struct {
	ProcessingStatus     string `json:"processingStatus"`
	ResultFeedDocumentID string `json:"resultFeedDocumentId"`
}

// feedProcessingFinished is the part of the notification the sink reads
// (camelCase keys).
type feedProcessingFinished struct {
	Payload struct {
		Feed struct {
			FeedID               string `json:"feedId"`
			FeedType             string `json:"feedType"`
			ProcessingStatus     string `json:"processingStatus"`
			ResultFeedDocumentID string `json:"resultFeedDocumentId"`
		} `json:"feedProcessingFinishedNotification"`
	} `json:"payload"`
}

// recordFinished is the intake's handler: it records the announcement of
// a JSON_LISTINGS_FEED for every feed sink of the seller and wakes those
// of this process. Other feed types are acknowledged and ignored.
func (s *feedSink) recordFinished(ctx context.Context, n *notification) (string, error) {
	if n.header.Type != models.FeedProcessingFinished {
		return "", component.Permanentf("this path takes FEED_PROCESSING_FINISHED notifications, not %s", n.header.Type)
	}
	var fn feedProcessingFinished
	_ = json.Unmarshal(n.body, &fn) // validated against the schema already
	f := fn.Payload.Feed
	if f.FeedType != "JSON_LISTINGS_FEED" {
		s.set.Logger.Debug("spapi.feed: notification of another feed type ignored", "feed_id", f.FeedID, "feed_type", f.FeedType)
		return n.header.ID, nil
	}
	if !amazonIDPattern.MatchString(f.FeedID) {
		return "", component.Permanentf("feedId %q is not a feed id", f.FeedID)
	}
	an := announcement{FeedID: f.FeedID, ProcessingStatus: f.ProcessingStatus, ResultFeedDocumentID: f.ResultFeedDocumentID, NotificationID: n.header.ID}
	if err := s.news.record(ctx, an); err != nil {
		return "", fmt.Errorf("spapi.feed: recording the notification of feed %s: %w", f.FeedID, err)
	}
	return n.header.ID, nil
}

// finished returns the status of a feed in flight: its announcement, or
// getFeed's answer when the poll interval passed since the last ask
// (found false: nothing to go by yet).
func (s *feedSink) finished(ctx context.Context, feedID string) (feedStatus, bool, error) {
	an, ok, err := s.news.lookup(ctx, feedID)
	if err != nil {
		s.set.Logger.Warn("spapi.feed: cannot read the feed announcements; asking getFeed", "feed_id", feedID, "error", err)
	}
	if ok {
		s.news.forget(feedID)
		return feedStatus{ProcessingStatus: an.ProcessingStatus, ResultFeedDocumentID: an.ResultFeedDocumentID}, true, nil
	}
	now := s.set.Clock.Now()
	if last, asked := s.polled[feedID]; asked && err == nil && now.Sub(last) < s.cfg.pollEvery() {
		return feedStatus{}, false, nil
	}
	s.polled[feedID] = now
	var feed feedStatus
	if err := s.callJSON(ctx, &client.Request{Operation: s.ops.getFeed, Path: map[string]string{"feedId": feedID}}, &feed); err != nil {
		return feedStatus{}, false, err
	}
	return feed, true, nil
}
