package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/settlement"
	"github.com/pipewright/pipewright/engine/component"
)

// Metadata keys set on settlement messages.
const (
	MetaReportID       = "spapi-report-id"
	MetaReportDocument = "spapi-report-document-id"
)

// SettlementReportType is the report type the source looks for.
const SettlementReportType = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"

const (
	settlementCursorKey = "cursor"
	reportPrefix        = "report/"
)

type settlementsFactory struct{ factory }

var _ component.SourceFactory = settlementsFactory{}

// NewSettlementsFactory returns the factory of the spapi.settlements source.
func NewSettlementsFactory() component.SourceFactory {
	return settlementsFactory{factory{typ: "spapi.settlements", kind: component.KindSource,
		newConfig: func() any { return newSettlementsConfig() }}}
}

// settlementsSource is polled by the engine: a round lists the settlement
// reports created since the cursor (the newest processed report's
// createdTime) and processes the new ones, oldest first, one per poll.
// Besides the cursor its State holds one key per processed report, written
// (by the batch's Ack) after the report was published or dead-lettered,
// so a report is processed once, whichever path (a poll or a
// REPORT_PROCESSING_FINISHED notification, see settlements_notify.go)
// saw it first.
type settlementsSource struct {
	component.Lifecycle
	cfg  *SettlementsConfig
	set  component.SourceSettings
	api  *client.Client
	list *models.Operation
	get  *models.Operation
	doc  *models.Operation
	// queue is what the round has left to process; listed says a round
	// is under way.
	queue  []report
	listed bool
	// intakes receive the notifications; wake starts the notification
	// loop.
	intakes *intakes
	wake    chan struct{}
	// notified is what the notification loop has left in its round.
	notified stateRound
}

var (
	_ component.Poller = (*settlementsSource)(nil)
	_ component.Pusher = (*settlementsSource)(nil)
)

// CreateSource returns the source; the engine polls it.
func (settlementsFactory) CreateSource(ctx context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[SettlementsConfig]("spapi.settlements", cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connectionOf(set.Settings)
	if err != nil {
		return nil, err
	}
	s := &settlementsSource{cfg: c, set: set, api: conn.api(), wake: make(chan struct{}, 1), notified: stateRound{prefix: notifiedPrefix},
		list: models.MustLookupOperation("getReports"), get: models.MustLookupOperation("getReport"), doc: models.MustLookupOperation("getReportDocument")}
	if s.intakes, err = newIntakes(ctx, "spapi.settlements", c.Notifications, conn, set.Settings, set.DeadLetter, s.recordReport); err != nil {
		return nil, err
	}
	return s, nil
}

// Routes serves the notification path, if configured.
func (s *settlementsSource) Routes() map[string]http.Handler {
	return s.intakes.routes()
}

// Shutdown lets go of the SQS batch the intake may still hold.
func (s *settlementsSource) Shutdown(context.Context) error {
	s.intakes.release()
	return nil
}

// Polls is the getReports poller and, with notifications, the loop
// fetching notified reports, woken by the intake.
func (s *settlementsSource) Polls() []component.Poll {
	polls := []component.Poll{{CursorKey: settlementCursorKey, Every: s.cfg.pollEvery(), Read: s.poll}}
	if s.intakes.active() {
		polls = append(polls, component.Poll{Name: "notifications", CursorKey: "notified-cursor", Every: drainEvery, Wake: s.wake, Read: s.drainNotified})
	}
	return append(polls, s.intakes.polls()...)
}

// report is the part of getReports' Report the source uses.
type report struct {
	ReportID         string    `json:"reportId"`
	CreatedTime      time.Time `json:"createdTime"`
	ProcessingStatus string    `json:"processingStatus"`
	ReportDocumentID string    `json:"reportDocumentId"`
}

// poll processes the next new report of the round, listing the reports
// created since the cursor when a round starts; the round's last poll
// forgets old processed reports.
func (s *settlementsSource) poll(ctx context.Context, cursor []byte) (component.Batch, error) {
	if !s.listed {
		since := s.set.Clock.Now().Add(-s.cfg.Lookback.D())
		if t, err := time.Parse(time.RFC3339Nano, string(cursor)); err == nil {
			since = t
		}
		reports, err := s.listReports(ctx, since)
		if err != nil {
			return component.Batch{}, err
		}
		sort.Slice(reports, func(i, j int) bool { return reports[i].CreatedTime.Before(reports[j].CreatedTime) })
		s.queue, s.listed = reports, true
	}
	for len(s.queue) > 0 {
		r := s.queue[0]
		if r.ProcessingStatus != "DONE" || r.ReportDocumentID == "" || s.processed(ctx, r) {
			s.queue = s.queue[1:]
			continue
		}
		b, err := s.process(ctx, r, "poll")
		if err != nil {
			s.queue, s.listed = nil, false
			return component.Batch{}, fmt.Errorf("report %s: %w", r.ReportID, err)
		}
		s.queue = s.queue[1:]
		created := []byte(r.CreatedTime.Format(time.RFC3339Nano))
		b.Cursor, b.More = created, true
		b.Ack = func(ctx context.Context) error { return s.set.State.Put(ctx, reportPrefix+r.ReportID, created) }
		return b, nil
	}
	s.listed = false
	return component.Batch{}, s.prune(ctx)
}

// processed reports whether the report was processed before.
func (s *settlementsSource) processed(ctx context.Context, r report) bool {
	_, err := s.set.State.Get(ctx, reportPrefix+r.ReportID)
	return err == nil
}

// listReports pages through getReports; pages after the first send the
// nextToken as their only parameter, as Amazon requires.
func (s *settlementsSource) listReports(ctx context.Context, since time.Time) ([]report, error) {
	q := map[string][]string{
		"reportTypes":        {SettlementReportType},
		"processingStatuses": {"DONE"},
		"createdSince":       {since.UTC().Format(time.RFC3339)},
		"pageSize":           {"100"},
	}
	if len(s.cfg.Marketplaces) > 0 {
		q["marketplaceIds"] = s.cfg.Marketplaces
	}
	var all []report
	for {
		resp, err := s.api.Do(ctx, &client.Request{Operation: s.list, Query: q})
		if err != nil {
			return nil, err
		}
		var page struct {
			Reports   []report `json:"reports"`
			NextToken string   `json:"nextToken"`
		}
		if err := json.Unmarshal(resp.Body, &page); err != nil {
			return nil, component.Retryable(fmt.Errorf("getReports: malformed response: %w", err))
		}
		all = append(all, page.Reports...)
		if page.NextToken == "" {
			return all, nil
		}
		q = map[string][]string{"nextToken": {page.NextToken}}
	}
}

// process downloads and parses one report: the batch of its message, or
// an empty one when the report was dead-lettered. via ("poll" or
// "notification") says which path found it.
func (s *settlementsSource) process(ctx context.Context, r report, via string) (component.Batch, error) {
	d, err := fetchDocument(ctx, s.api, s.doc, "reportDocumentId", r.ReportDocumentID)
	if err != nil {
		return component.Batch{}, err
	}
	parsed, err := settlement.ParseBytes(d.Data, d.ContentType)
	if err != nil {
		return component.Batch{}, s.deadLetter(ctx, r, component.NewMessage("report-"+r.ReportID, nil), err)
	}
	id := parsed.ID
	if id == "" {
		id = "report-" + r.ReportID
	}
	m := component.NewMessage(id, parsed.Value())
	m.SetMeta(component.MetaKey, id)
	m.SetMeta(component.MetaReceivedAt, s.set.Clock.Now().UTC().Format(time.RFC3339))
	m.SetMeta(MetaReportID, r.ReportID)
	m.SetMeta(MetaReportDocument, r.ReportDocumentID)
	m.SetMeta(MetaVia, via)
	if err := parsed.Err(); err != nil {
		return component.Batch{}, s.deadLetter(ctx, r, m, err)
	}
	return component.Batch{Messages: []*component.Message{m}}, nil
}

func (s *settlementsSource) deadLetter(ctx context.Context, r report, m *component.Message, reason error) error {
	s.set.Logger.Warn("spapi.settlements: report dead-lettered", "report_id", r.ReportID, "error", reason)
	return s.set.DeadLetter.DeadLetter(ctx, m, component.Permanent(reason))
}

// prune forgets processed reports older than Amazon's retention.
func (s *settlementsSource) prune(ctx context.Context) error {
	keys, err := s.set.State.Keys(ctx, reportPrefix)
	if err != nil {
		return err
	}
	limit := s.set.Clock.Now().Add(-maxLookback - 24*time.Hour)
	for _, k := range keys {
		data, err := s.set.State.Get(ctx, k)
		if err != nil {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, string(data)); err == nil && t.Before(limit) {
			if err := s.set.State.Delete(ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}
