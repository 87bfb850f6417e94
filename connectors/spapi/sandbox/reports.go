package sandbox

import (
	"slices"
	"time"
)

// Reports API 2021-06-30: getReports, getReport, getReportDocument. The
// simulator's reports are the settlement reports it generates every
// settlement period; like Amazon's they cannot be requested.

// SettlementReportType is the report type of V2 settlement reports.
const SettlementReportType = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"

// Report is a generated report.
type Report struct {
	ID             string
	Type           string
	MarketplaceIDs []string
	DataStart      time.Time
	DataEnd        time.Time
	Created        time.Time
	Status         string
	DocumentID     string
}

type reportJSON struct {
	ReportID            string   `json:"reportId"`
	ReportType          string   `json:"reportType"`
	MarketplaceIDs      []string `json:"marketplaceIds"`
	DataStartTime       string   `json:"dataStartTime"`
	DataEndTime         string   `json:"dataEndTime"`
	CreatedTime         string   `json:"createdTime"`
	ProcessingStatus    string   `json:"processingStatus"`
	ProcessingStartTime string   `json:"processingStartTime"`
	ProcessingEndTime   string   `json:"processingEndTime"`
	ReportDocumentID    string   `json:"reportDocumentId"`
}

func reportWire(r *Report) reportJSON {
	return reportJSON{
		ReportID: r.ID, ReportType: r.Type, MarketplaceIDs: r.MarketplaceIDs,
		DataStartTime: iso(r.DataStart), DataEndTime: iso(r.DataEnd), CreatedTime: iso(r.Created),
		ProcessingStatus: r.Status, ProcessingStartTime: iso(r.Created), ProcessingEndTime: iso(r.Created),
		ReportDocumentID: r.DocumentID,
	}
}

func (s *Server) getReports(c *call) response {
	q, msg := s.listQueryOf(c, "reportTypes")
	if msg != "" {
		return invalidInput("%s", msg)
	}
	var hits []*Report
	for _, r := range slices.Backward(s.reports) {
		if q.keeps(r.Type, r.Status, r.MarketplaceIDs, r.Created) {
			hits = append(hits, r)
		}
	}
	from, to, next := s.window(q, len(hits), c.now)
	resp := struct {
		Reports   []reportJSON `json:"reports"`
		NextToken string       `json:"nextToken,omitempty"`
	}{Reports: []reportJSON{}, NextToken: next}
	for _, r := range hits[from:to] {
		resp.Reports = append(resp.Reports, reportWire(r))
	}
	return ok(resp)
}

func (s *Server) getReport(c *call) response {
	id := c.pathValue("reportId")
	for _, r := range s.reports {
		if r.ID == id {
			return ok(reportWire(r))
		}
	}
	return notFound("Report %s was not found.", id)
}

func (s *Server) getReportDocument(c *call) response {
	return s.documentResponse(c, c.pathValue("reportDocumentId"), "reportDocumentId")
}
