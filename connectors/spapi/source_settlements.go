package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	return settlementsFactory{factory{typ: "spapi.settlements", kind: component.KindSource, schema: settlementsSchema,
		newConfig: func() any { return newSettlementsConfig() }}}
}

// settlementsSource polls getReports. Its State holds the cursor (the
// newest processed report's createdTime) and one key per processed report,
// written after the report was published or dead-lettered, so a report is
// processed once.
type settlementsSource struct {
	cfg   *SettlementsConfig
	set   component.SourceSettings
	api   *client.Client
	list  *models.Operation
	doc   *models.Operation
	loops background
}

// CreateSource returns the source; Start starts polling.
func (settlementsFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[SettlementsConfig]("spapi.settlements", cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connectionOf(set.Settings)
	if err != nil {
		return nil, err
	}
	return &settlementsSource{cfg: c, set: set, api: conn.api(),
		list: models.MustLookupOperation("getReports"), doc: models.MustLookupOperation("getReportDocument")}, nil
}

// Start starts the poller.
func (s *settlementsSource) Start(ctx context.Context) error {
	s.loops.run(ctx, s.pollLoop)
	return nil
}

func (s *settlementsSource) pollLoop(ctx context.Context) {
	for {
		if err := s.poll(ctx); err != nil && ctx.Err() == nil {
			s.set.Logger.Warn("spapi.settlements poll failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.set.Clock.After(s.cfg.Every.D()):
		}
	}
}

// Shutdown stops the poller.
func (s *settlementsSource) Shutdown(context.Context) error {
	s.loops.stop()
	return nil
}

// report is the part of getReports' Report the source uses.
type report struct {
	ReportID         string    `json:"reportId"`
	CreatedTime      time.Time `json:"createdTime"`
	ProcessingStatus string    `json:"processingStatus"`
	ReportDocumentID string    `json:"reportDocumentId"`
}

// poll lists the settlement reports created since the cursor and processes
// the new ones, oldest first.
func (s *settlementsSource) poll(ctx context.Context) error {
	since := s.set.Clock.Now().Add(-s.cfg.Lookback.D())
	if data, err := s.set.State.Get(ctx, settlementCursorKey); err == nil {
		if t, perr := time.Parse(time.RFC3339Nano, string(data)); perr == nil {
			since = t
		}
	} else if !errors.Is(err, component.ErrNotFound) {
		return err
	}
	reports, err := s.listReports(ctx, since)
	if err != nil {
		return err
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].CreatedTime.Before(reports[j].CreatedTime) })
	for _, r := range reports {
		if r.ProcessingStatus != "DONE" || r.ReportDocumentID == "" {
			continue
		}
		if _, err := s.set.State.Get(ctx, reportPrefix+r.ReportID); err == nil {
			continue
		}
		if err := s.process(ctx, r); err != nil {
			return fmt.Errorf("report %s: %w", r.ReportID, err)
		}
		if err := s.set.State.Put(ctx, reportPrefix+r.ReportID, []byte(r.CreatedTime.Format(time.RFC3339Nano))); err != nil {
			return err
		}
		if err := s.set.State.Put(ctx, settlementCursorKey, []byte(r.CreatedTime.Format(time.RFC3339Nano))); err != nil {
			return err
		}
	}
	return s.prune(ctx)
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

// process downloads, parses and publishes (or dead-letters) one report.
func (s *settlementsSource) process(ctx context.Context, r report) error {
	d, err := fetchDocument(ctx, s.api, s.doc, "reportDocumentId", r.ReportDocumentID)
	if err != nil {
		return err
	}
	parsed, err := settlement.ParseBytes(d.Data, d.ContentType)
	if err != nil {
		return s.deadLetter(ctx, r, component.NewMessage("report-"+r.ReportID, nil), err)
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
	if err := parsed.Err(); err != nil {
		return s.deadLetter(ctx, r, m, err)
	}
	return s.set.Publisher.Publish(ctx, m)
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
