package simulator

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// The processing report of a JSON_LISTINGS_FEED, in the shape of
// models/feeds/listings-feed-processing-report-schema-v2.json.

type feedReport struct {
	Header  feedReportHeader `json:"header"`
	Issues  []feedIssue      `json:"issues"`
	Summary feedSummary      `json:"summary"`
}

type feedReportHeader struct {
	SellerID string `json:"sellerId"`
	Version  string `json:"version"`
	FeedID   string `json:"feedId"`
}

type feedIssue struct {
	MessageID     int64  `json:"messageId,omitempty"`
	SKU           string `json:"sku,omitempty"`
	Code          string `json:"code"`
	Severity      string `json:"severity"`
	Message       string `json:"message"`
	AttributeName string `json:"attributeName,omitempty"`
}

type feedSummary struct {
	Errors            int `json:"errors"`
	Warnings          int `json:"warnings"`
	MessagesProcessed int `json:"messagesProcessed"`
	MessagesAccepted  int `json:"messagesAccepted"`
	MessagesInvalid   int `json:"messagesInvalid"`
}

// processFeed finishes a feed: DONE with a report of per-message issues
// and the accepted messages applied to the listings, or FATAL when the
// document as a whole is unusable; either is announced
// (FEED_PROCESSING_FINISHED).
func (s *Server) processFeed(f *Feed, at time.Time) {
	rep := feedReport{Header: feedReportHeader{SellerID: s.cfg.SellerID, Version: "2.0", FeedID: f.ID}, Issues: []feedIssue{}}
	f.Status = "DONE"
	if fatal := s.runListingsFeed(f, &rep, at); fatal != "" {
		f.Status = "FATAL"
		rep.Issues = append(rep.Issues, feedIssue{Code: issueSchema, Severity: "ERROR", Message: fatal})
	}
	for _, is := range rep.Issues {
		switch is.Severity {
		case "ERROR":
			rep.Summary.Errors++
		case "WARNING":
			rep.Summary.Warnings++
		}
	}
	f.Report, _ = encodeJSON(rep) // plain structs: cannot fail
	f.ResultDocumentID = s.storeResult("amzn1.tortuga.4.na.", "application/json; charset=UTF-8", f.Report)
	if f.Started.IsZero() {
		f.Started = at
	}
	f.Ended = at
	s.feedFinished(f)
}

// runListingsFeed processes each message on its own; it returns why the
// whole feed failed, or "".
func (s *Server) runListingsFeed(f *Feed, rep *feedReport, at time.Time) string {
	if f.Type != "JSON_LISTINGS_FEED" {
		return fmt.Sprintf("The feed type %s is not supported: use JSON_LISTINGS_FEED (the XML and flat-file listings feeds were retired).", f.Type)
	}
	var doc struct {
		Header *struct {
			SellerID string `json:"sellerId"`
			Version  string `json:"version"`
		} `json:"header"`
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(s.documents[f.InputDocumentID].data, &doc); err != nil {
		return "The feed document is not valid JSON."
	}
	if doc.Header == nil || doc.Header.SellerID != s.cfg.SellerID || doc.Header.Version != "2.0" {
		return "The feed header must give this seller's sellerId and version 2.0."
	}
	if len(doc.Messages) == 0 {
		return "The feed has no messages."
	}
	seen := map[int64]bool{}
	for _, raw := range doc.Messages {
		rep.Summary.MessagesProcessed++
		issues := s.feedMessage(raw, seen, at)
		if len(issues) > 0 {
			rep.Summary.MessagesInvalid++
		} else {
			rep.Summary.MessagesAccepted++
		}
		rep.Issues = append(rep.Issues, issues...)
	}
	return ""
}

// feedMessage checks one message against its schema and applies it.
func (s *Server) feedMessage(raw json.RawMessage, seen map[int64]bool, at time.Time) []feedIssue {
	v, err := component.DecodeJSON(raw)
	m, _ := v.(map[string]any)
	if err != nil || m == nil {
		return []feedIssue{{Code: issueSchema, Severity: "ERROR", Message: "The message is not a JSON object."}}
	}
	id, _ := m["messageId"].(int64)
	sku, _ := m["sku"].(string)
	wrap := func(issues []issue) []feedIssue {
		out := make([]feedIssue, len(issues))
		for i, is := range issues {
			out[i] = feedIssue{MessageID: id, SKU: sku, Code: is.Code, Severity: is.Severity, Message: is.Message, AttributeName: is.Attribute}
		}
		return out
	}
	if err := models.ValidateListingsFeedMessage(raw); err != nil {
		return wrap([]issue{{Code: issueSchema, Severity: "ERROR", Message: err.Error()}})
	}
	if seen[id] {
		return wrap([]issue{{Code: issueSchema, Severity: "ERROR", Message: fmt.Sprintf("messageId %d is not unique within the feed.", id)}})
	}
	seen[id] = true
	return wrap(s.applyMessage(m, sku, at))
}

// applyMessage performs a message's operation on the listings.
func (s *Server) applyMessage(m map[string]any, sku string, at time.Time) []issue {
	l := s.listings[sku]
	productType, _ := m["productType"].(string)
	attrs, _ := m["attributes"].(map[string]any)
	op, _ := m["operationType"].(string)
	if l == nil && op != "UPDATE" {
		return []issue{skuNotFound(sku)}
	}
	switch op {
	case "DELETE":
		delete(s.listings, sku)
		return nil
	case "PATCH":
		next, issues := s.applyPatches(l.Attributes, patchesOf(m["patches"]))
		if len(issues) > 0 {
			return issues
		}
		attrs = next
	default: // UPDATE replaces the attributes, PARTIAL_UPDATE the ones given
		if issues := s.checkAttributes(attrs); len(issues) > 0 {
			return issues
		}
		if op == "PARTIAL_UPDATE" {
			merged := cloneAttributes(l.Attributes)
			for k, v := range attrs {
				merged[k] = cloneValue(v)
			}
			attrs = merged
		}
	}
	s.saveListing(sku, productType, cloneAttributes(attrs), at)
	return nil
}
