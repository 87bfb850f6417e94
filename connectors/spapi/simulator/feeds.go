package simulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// Feeds API 2021-06-30. A feed waits IN_QUEUE, is IN_PROGRESS, then DONE
// (or FATAL) over simulated time; processing applies JSON_LISTINGS_FEED
// messages to the listings and leaves a processing report.

// Feed processing times in simulated time after createFeed.
const (
	feedQueued     = 30 * time.Second
	feedProcessing = 90 * time.Second
)

// Feed is a submitted feed.
type Feed struct {
	ID               string
	Type             string
	MarketplaceIDs   []string
	InputDocumentID  string
	Created          time.Time
	Started, Ended   time.Time
	Status           string
	ResultDocumentID string
	// Report is the processing report JSON, once processed.
	Report []byte
}

type feedJSON struct {
	FeedID               string   `json:"feedId"`
	FeedType             string   `json:"feedType"`
	MarketplaceIDs       []string `json:"marketplaceIds"`
	CreatedTime          string   `json:"createdTime"`
	ProcessingStatus     string   `json:"processingStatus"`
	ProcessingStartTime  string   `json:"processingStartTime,omitempty"`
	ProcessingEndTime    string   `json:"processingEndTime,omitempty"`
	ResultFeedDocumentID string   `json:"resultFeedDocumentId,omitempty"`
}

func feedWire(f *Feed) feedJSON {
	w := feedJSON{
		FeedID: f.ID, FeedType: f.Type, MarketplaceIDs: f.MarketplaceIDs, CreatedTime: iso(f.Created),
		ProcessingStatus: f.Status, ResultFeedDocumentID: f.ResultDocumentID,
	}
	if !f.Started.IsZero() {
		w.ProcessingStartTime = iso(f.Started)
	}
	if !f.Ended.IsZero() {
		w.ProcessingEndTime = iso(f.Ended)
	}
	return w
}

func (s *Server) createFeedDocument(c *call) response {
	var req struct {
		ContentType string `json:"contentType"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil || req.ContentType == "" {
		return invalidInput("contentType is required.")
	}
	id := "amzn1.tortuga.4.na." + s.newUUID()
	s.documents[id] = &document{id: id, contentType: req.ContentType, upload: true}
	return response{status: http.StatusCreated, body: map[string]string{
		"feedDocumentId": id, "url": s.presign(c, http.MethodPut, uploadPath, id, nil),
	}}
}

func (s *Server) createFeed(c *call) response {
	var req struct {
		FeedType            string   `json:"feedType"`
		MarketplaceIDs      []string `json:"marketplaceIds"`
		InputFeedDocumentID string   `json:"inputFeedDocumentId"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return invalidInput("The request body is not a feed specification.")
	}
	for _, id := range req.MarketplaceIDs {
		if !s.cfg.sells(id) {
			return invalidInput("Invalid marketplace id %s: the seller does not sell there.", id)
		}
	}
	doc := s.documents[req.InputFeedDocumentID]
	if doc == nil || !doc.upload || !doc.uploaded {
		return invalidInput("The feed document %s does not exist or was not uploaded.", req.InputFeedDocumentID)
	}
	f := &Feed{
		ID: s.nextID(), Type: req.FeedType, MarketplaceIDs: req.MarketplaceIDs, InputDocumentID: doc.id,
		Created: c.now, Status: "IN_QUEUE",
	}
	s.feeds[f.ID] = f
	s.feedList = append(s.feedList, f)
	s.schedule(&event{at: c.now.Add(feedQueued), kind: evFeedStart, ref: f.ID})
	s.schedule(&event{at: c.now.Add(feedProcessing), kind: evFeedProcess, ref: f.ID})
	return response{status: http.StatusAccepted, body: map[string]string{"feedId": f.ID}}
}

func (s *Server) getFeed(c *call) response {
	f := s.feeds[c.pathValue("feedId")]
	if f == nil {
		return notFound("Feed %s was not found.", c.pathValue("feedId"))
	}
	return ok(feedWire(f))
}

func (s *Server) getFeeds(c *call) response {
	return listResponse(s, c, "feedTypes", "feeds", s.feedList)
}

func (f *Feed) fields() (string, string, []string, time.Time) {
	return f.Type, f.Status, f.MarketplaceIDs, f.Created
}

func (f *Feed) wire() any { return feedWire(f) }

func (s *Server) getFeedDocument(c *call) response {
	id := c.pathValue("feedDocumentId")
	return s.documentResponse(c, id, "feedDocumentId")
}

// documentResponse answers getFeedDocument and getReportDocument.
func (s *Server) documentResponse(c *call, id, idKey string) response {
	link, compression, found := s.documentLink(c, id)
	if !found {
		return notFound("Document %s was not found.", id)
	}
	body := map[string]string{idKey: id, "url": link}
	if compression != "" {
		body["compressionAlgorithm"] = compression
	}
	return ok(body)
}
