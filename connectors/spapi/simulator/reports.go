package simulator

import "time"

// Reports API 2021-06-30: getReports, getReport, getReportDocument, and
// createReport for the returns report (returns_report.go). The other
// reports are the settlement reports the simulator generates every
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
	return listResponse(s, c, "reportTypes", "reports", s.reports)
}

func (r *Report) fields() (string, string, []string, time.Time) {
	return r.Type, r.Status, r.MarketplaceIDs, r.Created
}

func (r *Report) wire() any { return reportWire(r) }

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
