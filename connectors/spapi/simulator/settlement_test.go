package simulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// settlementFile is a settlement report read by header names: a minimal
// reader for these tests (the connector has the real parser).
type settlementFile struct {
	header  []string
	summary map[string]string
	rows    []map[string]string
}

func parseSettlement(t *testing.T, data []byte) settlementFile {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2)
	f := settlementFile{header: strings.Split(lines[0], "\t")}
	record := func(line string) map[string]string {
		fields := strings.Split(line, "\t")
		require.Len(t, fields, len(f.header), line)
		m := map[string]string{}
		for i, name := range f.header {
			m[name] = fields[i]
		}
		return m
	}
	f.summary = record(lines[1])
	for _, l := range lines[2:] {
		f.rows = append(f.rows, record(l))
	}
	return f
}

// parseAmount reads an amount with a decimal point or comma.
func parseAmount(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.Parse(strings.Replace(s, ",", ".", 1))
	require.NoError(t, err, s)
	return d
}

// settlements returns the settlement reports' documents, by marketplace.
func settlements(t *testing.T, s *sim) map[string][]settlementFile {
	r := s.get("/reports/2021-06-30/reports?reportTypes=" + simulator.SettlementReportType + "&pageSize=100")
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	out := map[string][]settlementFile{}
	for _, rep := range r.json(t)["reports"].([]any) {
		m := rep.(map[string]any)
		assert.Equal(t, "DONE", m["processingStatus"])
		doc := s.get("/reports/2021-06-30/documents/" + m["reportDocumentId"].(string))
		require.Equal(t, http.StatusOK, doc.status, string(doc.body))
		mkt := m["marketplaceIds"].([]any)[0].(string)
		out[mkt] = append(out[mkt], parseSettlement(t, download(t, doc.json(t))))
	}
	return out
}

func settledSim(t *testing.T, opts ...func(*simulator.Config)) *sim {
	s := newSim(t, append([]func(*simulator.Config){func(c *simulator.Config) {
		c.OrdersPerHour, c.SettlementPeriod = 40, 24*time.Hour
	}}, opts...)...)
	s.advance(39 * time.Hour) // from 09:00 on day one to midnight after day two
	return s
}

func TestSettlement_rows_sum_exactly_to_the_total(t *testing.T) {
	s := settledSim(t)
	byMarket := settlements(t, s)
	require.Len(t, byMarket, 4, "one settlement per marketplace and period")
	for mkt, files := range byMarket {
		require.Len(t, files, 2, mkt)
		for _, f := range files {
			assert.Len(t, f.header, 24, "the V2 layout has 24 columns")
			assert.Equal(t, "promotion-id", f.header[23])
			total := parseAmount(t, f.summary["total-amount"])
			sum := decimal.MustNew(0, 2)
			for _, row := range f.rows {
				assert.Equal(t, f.summary["settlement-id"], row["settlement-id"])
				assert.Empty(t, row["total-amount"], "only the summary row carries the total")
				sum = add(sum, parseAmount(t, row["amount"]))
			}
			assert.Equal(t, total.String(), sum.String(), "settlement %s of %s", f.summary["settlement-id"], mkt)
			assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$`, f.summary["settlement-start-date"])
		}
	}
}

func TestSettlement_rows_follow_the_orders_that_shipped(t *testing.T) {
	s := settledSim(t)
	f := settlements(t, s)["ATVPDKIKX0DER"]
	byOrder := map[string][]map[string]string{}
	for _, file := range f {
		for _, row := range file.rows {
			if row["transaction-type"] == "Order" {
				byOrder[row["order-id"]] = append(byOrder[row["order-id"]], row)
			}
		}
	}
	dayTwoEnd := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	shipped := 0
	for _, o := range s.srv.Orders() {
		if o.MarketplaceID != "ATVPDKIKX0DER" {
			continue
		}
		rows := byOrder[o.ID]
		if o.ShippedAt.IsZero() || !o.ShippedAt.Before(dayTwoEnd) {
			assert.Empty(t, len(rows), "order %s has not shipped in a settled period", o.ID)
			continue
		}
		shipped++
		types := map[string]decimal.Decimal{}
		require.NotEmpty(t, rows, "order %s shipped in a settled period", o.ID)
		for _, row := range rows {
			assert.NotEqual(t, "0.00", row["amount"], "zero amounts other than the principal are left out")
			types[row["amount-type"]+"/"+row["amount-description"]+"/"+row["order-item-code"]] = parseAmount(t, row["amount"])
			assert.Equal(t, map[string]string{simulator.FulfilledByAmazon: "AFN", simulator.FulfilledByMerchant: "MFN"}[o.FulfilledBy], row["fulfillment-id"])
		}
		for _, it := range o.Items {
			assert.Equal(t, it.Principal(), types["ItemPrice/Principal/"+it.ID], "principal of %s", it.ID)
			assert.True(t, types["ItemFees/Commission/"+it.ID].IsNeg(), "commission of %s", it.ID)
			if it.Tax.IsPos() {
				assert.Equal(t, it.Tax.Neg(), types["ItemWithheldTax/MarketplaceFacilitatorTax-Principal/"+it.ID])
			}
		}
	}
	assert.Positive(t, shipped)
}

func TestSettlement_german_locale_for_EUR_marketplaces(t *testing.T) {
	s := settledSim(t, func(c *simulator.Config) { c.SettlementLocaleDE = true })
	all := settlements(t, s)
	de := all["A1PA6795UKMFR9"][0]
	assert.Regexp(t, `^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC$`, de.summary["settlement-start-date"])
	assert.Contains(t, de.summary["total-amount"], ",")
	sum := decimal.MustNew(0, 2)
	for _, row := range de.rows {
		assert.NotContains(t, row["amount"], ".")
		assert.Regexp(t, `^\d\d\.\d\d\.\d{4}$`, row["posted-date"])
		sum = add(sum, parseAmount(t, row["amount"]))
	}
	assert.Equal(t, parseAmount(t, de.summary["total-amount"]), sum)
	us := all["ATVPDKIKX0DER"][0]
	assert.Regexp(t, `^\d{4}-`, us.summary["settlement-start-date"], "USD reports keep the US locale")
}

func TestReports_getReports_requires_a_type_and_pages_with_nextToken_alone(t *testing.T) {
	s := settledSim(t)
	assert.Equal(t, http.StatusBadRequest, s.get("/reports/2021-06-30/reports").status)
	r := s.get("/reports/2021-06-30/reports?reportTypes=" + simulator.SettlementReportType + "&pageSize=3")
	require.Equal(t, http.StatusOK, r.status)
	page := r.json(t)
	require.Len(t, page["reports"], 3)
	tok := page["nextToken"].(string)
	assert.Equal(t, http.StatusBadRequest, s.get("/reports/2021-06-30/reports?pageSize=3&nextToken="+tok).status)
	seen := 3
	for tok != "" {
		page = s.get("/reports/2021-06-30/reports?nextToken=" + tok).json(t)
		seen += len(page["reports"].([]any))
		tok, _ = page["nextToken"].(string)
	}
	assert.Equal(t, 8, seen, "two periods of four marketplaces")

	since := s.srv.Reports()[4].Created.Format(time.RFC3339)
	recent := s.get("/reports/2021-06-30/reports?reportTypes=" + simulator.SettlementReportType + "&createdSince=" + since).json(t)
	assert.Len(t, recent["reports"], 4, "createdSince keeps the second period's reports")

	rep := s.srv.Reports()[0]
	got := s.get("/reports/2021-06-30/reports/" + rep.ID).json(t)
	assert.Equal(t, rep.DocumentID, got["reportDocumentId"])
	assert.Equal(t, http.StatusNotFound, s.get("/reports/2021-06-30/reports/1").status)
	assert.Equal(t, http.StatusNotFound, s.get("/reports/2021-06-30/documents/amzn1.spdoc.nothing").status)
}

func TestDocument_returns_a_reports_content_without_a_call(t *testing.T) {
	s := settledSim(t)
	var docID string
	for _, r := range s.srv.Reports() {
		if r.DocumentID != "" {
			docID = r.DocumentID
			break
		}
	}
	require.NotEmpty(t, docID)
	calls := s.srv.Stats().Calls["getReportDocument"]
	data, ok := s.srv.Document(docID)
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(string(data), "settlement-id\t"), "the uncompressed report")
	assert.Equal(t, calls, s.srv.Stats().Calls["getReportDocument"], "no call was counted")
	_, ok = s.srv.Document("no-such-document")
	assert.False(t, ok)
}
