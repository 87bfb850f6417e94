package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// processingReport is the part of a JSON_LISTINGS_FEED processing report
// the sink reads.
type processingReport struct {
	Issues []struct {
		MessageID     int    `json:"messageId"`
		Code          string `json:"code"`
		Severity      string `json:"severity"`
		Message       string `json:"message"`
		AttributeName string `json:"attributeName"`
	} `json:"issues"`
}

// route reads the processing report of a DONE feed: messages with an ERROR
// issue go to the dead-letter stream with Amazon's issues and the SKU, the
// others are done. The record is deleted afterwards.
func (s *feedSink) route(ctx context.Context, r *feedRecord) error {
	report, err := s.report(ctx, r)
	if err != nil {
		return err
	}
	issues := map[int][]string{}
	for _, is := range report.Issues {
		if is.Severity != "ERROR" {
			continue
		}
		text := is.Code + ": " + is.Message
		if is.AttributeName != "" {
			text += " (" + is.AttributeName + ")"
		}
		issues[is.MessageID] = append(issues[is.MessageID], text)
	}
	rejected := 0
	for i, e := range r.Entries {
		found := issues[i+1]
		if len(found) == 0 {
			continue
		}
		rejected++
		reason := component.Permanentf("SKU %s rejected by JSON_LISTINGS_FEED %s: %s", e.SKU, r.FeedID, strings.Join(found, "; "))
		if err := s.set.DeadLetter.DeadLetter(ctx, e.Message.message(), reason); err != nil {
			return err
		}
	}
	s.outcome.WithLabelValues("rejected").Add(float64(rejected))
	s.outcome.WithLabelValues("accepted").Add(float64(len(r.Entries) - rejected))
	s.set.Logger.Info("spapi.feed done", "feed_id", r.FeedID, "accepted", len(r.Entries)-rejected, "rejected", rejected)
	return s.set.State.Delete(ctx, r.Key)
}

// report downloads and decodes the processing report.
func (s *feedSink) report(ctx context.Context, r *feedRecord) (*processingReport, error) {
	if r.ResultDocumentID == "" {
		return nil, component.Permanentf("feed %s is DONE without a processing report", r.FeedID)
	}
	d, err := fetchDocument(ctx, s.api, s.ops.getDoc, "feedDocumentId", r.ResultDocumentID)
	if err != nil {
		return nil, err
	}
	if err := models.ValidateListingsFeedReport(d.Data); err != nil {
		s.set.Logger.Warn("spapi.feed: the processing report does not match its schema", "feed_id", r.FeedID, "error", err)
	}
	var rep processingReport
	if err := json.Unmarshal(d.Data, &rep); err != nil {
		return nil, component.Permanent(fmt.Errorf("feed %s: processing report: %w", r.FeedID, err))
	}
	return &rep, nil
}
