package spapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// ReturnsReportType is the report the refunds source reads returns from.
const ReturnsReportType = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"

// returnsReportWait is how soon a poll looks again at a returns report
// that is not ready.
const returnsReportWait = 30 * time.Second

// returnsReader requests the returns report for the windows the refunds
// source reads and keeps the last one; its returns are added to the refund
// items whose units come back. It lives in memory: a restarted source
// requests the report again.
type returnsReader struct {
	api              *client.Client
	create, get, doc *models.Operation
	marketplaces     []string
	lookback         time.Duration
	pending          string    // the report requested and not ready yet
	end              time.Time // the end of the report read
	rows             map[string][]returnRow
}

// returnRow is one returned line of the report.
type returnRow struct {
	Reason, Status, RequestDate string
	Quantity                    int64
}

func newReturnsReader(api *client.Client, marketplaces []string, lookback time.Duration) *returnsReader {
	return &returnsReader{api: api, marketplaces: marketplaces, lookback: lookback,
		create: models.MustLookupOperation("createReport"), get: models.MustLookupOperation("getReport"),
		doc: models.MustLookupOperation("getReportDocument")}
}

// covering makes sure the report read covers returns requested up to
// before (from lookback before after): it requests one when it does not,
// and answers a retryable error while the report is not ready.
func (r *returnsReader) covering(ctx context.Context, after, before time.Time) error {
	if !r.end.Before(before) {
		return nil
	}
	if r.pending == "" {
		body := mustJSON(map[string]any{"reportType": ReturnsReportType, "marketplaceIds": r.marketplaces,
			"dataStartTime": after.Add(-r.lookback).Format(time.RFC3339), "dataEndTime": before.Format(time.RFC3339)})
		resp, err := r.api.Do(ctx, &client.Request{Operation: r.create, Body: body})
		if err != nil {
			return fmt.Errorf("requesting the returns report: %w", err)
		}
		var created struct {
			ReportID string `json:"reportId"`
		}
		if err := json.Unmarshal(resp.Body, &created); err != nil || created.ReportID == "" {
			return component.Retryable(errors.New("createReport: response without a reportId"))
		}
		r.pending = created.ReportID
	}
	return r.read(ctx, before)
}

// read reads the pending report once it is done.
func (r *returnsReader) read(ctx context.Context, before time.Time) error {
	resp, err := r.api.Do(ctx, &client.Request{Operation: r.get, Path: map[string]string{"reportId": r.pending}})
	if err != nil {
		return fmt.Errorf("reading the returns report %s: %w", r.pending, err)
	}
	var rep report
	if err := json.Unmarshal(resp.Body, &rep); err != nil {
		return component.Retryable(fmt.Errorf("getReport: malformed response: %w", err))
	}
	switch rep.ProcessingStatus {
	case "DONE":
	case "CANCELLED": // Amazon cancels a report that has no data
		r.pending, r.end, r.rows = "", before, nil
		return nil
	case "FATAL":
		r.pending = ""
		return component.Permanentf("the returns report %s failed (FATAL); the next round requests it again", rep.ReportID)
	default:
		return component.RetryableAfter(fmt.Errorf("the returns report %s is %s; waiting for it", r.pending, rep.ProcessingStatus), returnsReportWait)
	}
	d, err := fetchDocument(ctx, r.api, r.doc, "reportDocumentId", rep.ReportDocumentID)
	if err != nil {
		return err
	}
	rows, err := parseReturns(d.Data)
	if err != nil {
		r.pending = ""
		return component.Permanentf("the returns report %s: %w", rep.ReportID, err)
	}
	r.pending, r.end, r.rows = "", before, rows
	return nil
}

// parseReturns reads the tab-separated report by its header names: the
// rows by order id and SKU.
func parseReturns(data []byte) (map[string][]returnRow, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = '\t', true, -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"order id", "merchant sku", "return quantity", "return reason"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("no %q column", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	rows := map[string][]returnRow{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		qty, err := strconv.ParseInt(get(rec, "return quantity"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: Return quantity %q is not a number", line, get(rec, "return quantity"))
		}
		key := get(rec, "order id") + "\x00" + get(rec, "merchant sku")
		rows[key] = append(rows[key], returnRow{Reason: get(rec, "return reason"), Status: get(rec, "return request status"),
			RequestDate: get(rec, "return request date"), Quantity: qty})
	}
}

// annotate adds to each item of a refund event whose units come back
// (QuantityShipped > 0) the return the report lists for its order and SKU:
// "Return": {"Reason", "Quantity", "Status", "RequestDate"}.
func (r *returnsReader) annotate(ev map[string]any) {
	order, _ := ev["AmazonOrderId"].(string)
	items, _ := ev["ShipmentItemAdjustmentList"].([]any)
	for _, it := range items {
		item := objectOf(it)
		sku, _ := item["SellerSKU"].(string)
		rows := r.rows[order+"\x00"+sku]
		if len(rows) == 0 || !unitsBack(item) {
			continue
		}
		ret := rows[0]
		item["Return"] = map[string]any{"Reason": ret.Reason, "Quantity": ret.Quantity, "Status": ret.Status, "RequestDate": ret.RequestDate}
	}
}

// unitsBack reports whether an item adjustment refunds units.
func unitsBack(item map[string]any) bool {
	n, _ := item["QuantityShipped"].(int64)
	return n > 0
}

// refundsUnits reports whether any refund of events refunds units.
func refundsUnits(events []event) bool {
	for _, ev := range events {
		items, _ := ev.body["ShipmentItemAdjustmentList"].([]any)
		for _, it := range items {
			if ev.typ == "Refund" && unitsBack(objectOf(it)) {
				return true
			}
		}
	}
	return false
}
