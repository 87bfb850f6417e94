package simulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReturnsReportType is the report of MFN returns by return request date,
// which createReport makes on request.
const ReturnsReportType = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"

// reportProcessing is how long a requested report takes.
const reportProcessing = time.Minute

// returnsColumns are the report's columns (Amazon's; the simulator fills
// those it knows and leaves the others empty).
var returnsColumns = []string{"Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID",
	"Merchant RMA ID", "Label type", "Label cost", "Currency code", "Return carrier", "Tracking ID", "Label to be paid by",
	"A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU", "Item Name", "Return quantity", "Return Reason", "In policy",
	"Return type", "Resolution", "Invoice number", "Return delivery date", "Order Amount", "Order quantity",
	"SafeT Action reason", "SafeT claim id", "SafeT claim state", "SafeT claim creation time",
	"SafeT claim reimbursement amount", "Refunded Amount"}

// createReport requests a returns report (the only report type the
// simulator makes on request): IN_QUEUE at once, DONE a minute later with
// the returns requested in [dataStartTime, dataEndTime] in the
// marketplaces.
func (s *Server) createReport(c *call) response {
	var req struct {
		ReportType     string   `json:"reportType"`
		MarketplaceIDs []string `json:"marketplaceIds"`
		DataStart      string   `json:"dataStartTime"`
		DataEnd        string   `json:"dataEndTime"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return invalidInput("The request body is not a report specification.")
	}
	if req.ReportType != ReturnsReportType {
		return invalidInput("Report type %s cannot be requested from the simulator (only %s).", req.ReportType, ReturnsReportType)
	}
	for _, id := range req.MarketplaceIDs {
		if !s.cfg.sells(id) {
			return invalidInput("Invalid marketplace id %s: the seller does not sell there.", id)
		}
	}
	start, end := c.now.Add(-30*24*time.Hour), c.now
	var err error
	if req.DataStart != "" {
		start, err = parseTime(req.DataStart)
	}
	if err == nil && req.DataEnd != "" {
		end, err = parseTime(req.DataEnd)
	}
	if err != nil || end.After(c.now) || end.Before(start) {
		return invalidInput("dataStartTime and dataEndTime must be times, not after now, the start not after the end.")
	}
	r := &Report{ID: s.nextID(), Type: req.ReportType, MarketplaceIDs: req.MarketplaceIDs, DataStart: start, DataEnd: end,
		Created: c.now, Status: "IN_QUEUE"}
	s.reports = append(s.reports, r)
	s.schedule(&event{at: c.now.Add(reportProcessing), kind: evReportDone, ref: r.ID})
	return response{status: http.StatusAccepted, body: map[string]string{"reportId": r.ID}}
}

// finishReport makes a requested report's document and marks it DONE.
func (s *Server) finishReport(id string) {
	for _, r := range s.reports {
		if r.ID == id && r.Status == "IN_QUEUE" {
			r.DocumentID = s.storeResult("amzn1.spdoc.1.4.na.", "text/tab-separated-values; charset=UTF-8", s.returnsReport(r))
			r.Status = "DONE"
		}
	}
}

// returnsReport is the tab-separated returns report of r's window and
// marketplaces.
func (s *Server) returnsReport(r *Report) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(returnsColumns, "\t") + "\n")
	for _, o := range s.orderList {
		if !slices.Contains(r.MarketplaceIDs, o.MarketplaceID) {
			continue
		}
		for _, ref := range o.Refunds {
			for _, it := range ref.Items {
				if ret := it.Return; ret != nil && !ret.At.Before(r.DataStart) && !ret.At.After(r.DataEnd) {
					row := map[string]string{"Order ID": o.ID, "Order date": o.Created.Format("02-Jan-2006"),
						"Return request date": ret.At.Format("02-Jan-2006"), "Return request status": "Approved",
						"Amazon RMA ID": "D" + it.AdjustmentID[:10], "Currency code": o.Currency, "Merchant SKU": it.SKU,
						"Return quantity": strconv.Itoa(ret.Quantity), "Return Reason": ret.Reason, "In policy": "Y",
						"Return type": "C-Returns", "Resolution": "StandardRefund", "Refunded Amount": it.Total().String()}
					for i, col := range returnsColumns {
						if i > 0 {
							b.WriteByte('\t')
						}
						b.WriteString(row[col])
					}
					b.WriteByte('\n')
				}
			}
		}
	}
	return []byte(b.String())
}
