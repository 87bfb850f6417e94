package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// REPORT_PROCESSING_FINISHED notifications are triggers, like ORDER_CHANGE
// ones: the handler records the announced settlement report in State
// (notified/<reportId>) before the endpoint answers 2xx and wakes the
// notification loop, which processes it as a poll would (one
// getReportDocument, no getReports). Either path marks the report
// processed (report/<reportId>), so the other skips it; a report both
// paths process at once is published twice under the same message id
// (the settlement id), which the stream stores once.

const notifiedPrefix = "notified/"

// reportNotice is the State record of an announced report.
type reportNotice struct {
	ReportID         string    `json:"report_id"`
	ReportDocumentID string    `json:"report_document_id"`
	EventTime        time.Time `json:"event_time"`
	NotificationID   string    `json:"notification_id"`
}

// reportProcessingFinished is the part of the notification the source
// reads (camelCase keys).
type reportProcessingFinished struct {
	EventTime string `json:"eventTime"`
	Payload   struct {
		Report struct {
			ReportID         string `json:"reportId"`
			ReportType       string `json:"reportType"`
			ProcessingStatus string `json:"processingStatus"`
			ReportDocumentID string `json:"reportDocumentId"`
		} `json:"reportProcessingFinishedNotification"`
	} `json:"payload"`
}

// recordReport is the intake's handler: a DONE settlement report is
// recorded for the notification loop; other report types and statuses
// are acknowledged and ignored (a subscription announces every report the
// application requested, and a refusal would only have them redelivered).
func (s *settlementsSource) recordReport(ctx context.Context, n *notification) (string, error) {
	if n.header.Type != models.ReportProcessingFinished {
		return "", component.Permanentf("this path takes REPORT_PROCESSING_FINISHED notifications, not %s", n.header.Type)
	}
	var rn reportProcessingFinished
	_ = json.Unmarshal(n.body, &rn) // validated against the schema already
	r := rn.Payload.Report
	if r.ReportType != SettlementReportType || r.ProcessingStatus != "DONE" || r.ReportDocumentID == "" {
		s.set.Logger.Debug("spapi.settlements: notification ignored", "report_id", r.ReportID, "report_type", r.ReportType, "status", r.ProcessingStatus)
		return n.header.ID, nil
	}
	if !amazonIDPattern.MatchString(r.ReportID) {
		return "", component.Permanentf("reportId %q is not a report id", r.ReportID)
	}
	if s.processed(ctx, report{ReportID: r.ReportID}) {
		return n.header.ID, nil
	}
	at, err := time.Parse(time.RFC3339, rn.EventTime)
	if err != nil {
		at = n.receivedAt
	}
	notice := reportNotice{ReportID: r.ReportID, ReportDocumentID: r.ReportDocumentID, EventTime: at, NotificationID: n.header.ID}
	if err := putJSON(ctx, s.set.State, notifiedPrefix+r.ReportID, notice); err != nil {
		return "", fmt.Errorf("spapi.settlements: recording the notification of report %s: %w", r.ReportID, err)
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return n.header.ID, nil
}

// drainNotified processes the next announced report of the round (see
// stateRound); a report that fails keeps its record for the next round
// (and polling finds it too).
func (s *settlementsSource) drainNotified(ctx context.Context, _ []byte) (component.Batch, error) {
	b, err := s.notified.next(ctx, s.set.State, s.processNotified, func(id string, err error) {
		s.set.Logger.Warn("spapi.settlements: processing a notified report failed", "report_id", id, "error", err)
	})
	if err != nil && ctx.Err() == nil {
		return b, fmt.Errorf("spapi.settlements: listing notified reports: %w", err)
	}
	return b, err
}

// processNotified processes one announced report: a batch whose Ack marks
// it processed and drops its record, or no Ack when there was nothing to
// publish.
func (s *settlementsSource) processNotified(ctx context.Context, id string) (component.Batch, error) {
	var notice reportNotice
	data, err := s.set.State.Get(ctx, notifiedPrefix+id)
	if errors.Is(err, component.ErrNotFound) {
		return component.Batch{}, nil
	}
	if err != nil {
		return component.Batch{}, err
	}
	if err := json.Unmarshal(data, &notice); err != nil {
		return component.Batch{}, errors.Join(err, s.set.State.Delete(ctx, notifiedPrefix+id))
	}
	r := report{ReportID: notice.ReportID, CreatedTime: notice.EventTime, ProcessingStatus: "DONE", ReportDocumentID: notice.ReportDocumentID}
	if s.processed(ctx, r) {
		return component.Batch{}, s.set.State.Delete(ctx, notifiedPrefix+id)
	}
	if ok, err := s.inMarketplaces(ctx, id); err != nil || !ok {
		if err != nil {
			return component.Batch{}, err
		}
		return component.Batch{}, s.set.State.Delete(ctx, notifiedPrefix+id)
	}
	b, err := s.process(ctx, r, "notification")
	if err != nil {
		return component.Batch{}, err
	}
	done := func(ctx context.Context) error {
		if err := s.set.State.Put(ctx, reportPrefix+id, []byte(r.CreatedTime.Format(time.RFC3339Nano))); err != nil {
			return err
		}
		return s.set.State.Delete(ctx, notifiedPrefix+id)
	}
	if len(b.Messages) == 0 { // dead-lettered: nothing to publish
		return component.Batch{}, done(ctx)
	}
	b.Ack = done
	return b, nil
}

// inMarketplaces reports whether a report belongs to the configured
// marketplaces (always, when none are): the notification does not say,
// so getReport is asked.
func (s *settlementsSource) inMarketplaces(ctx context.Context, id string) (bool, error) {
	if len(s.cfg.Marketplaces) == 0 {
		return true, nil
	}
	resp, err := s.api.Do(ctx, &client.Request{Operation: s.get, Path: map[string]string{"reportId": id}})
	if err != nil {
		return false, err
	}
	var r struct {
		MarketplaceIDs []string `json:"marketplaceIds"`
	}
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return false, component.Retryable(fmt.Errorf("getReport: malformed response: %w", err))
	}
	return slices.ContainsFunc(r.MarketplaceIDs, func(m string) bool { return slices.Contains(s.cfg.Marketplaces, m) }), nil
}
