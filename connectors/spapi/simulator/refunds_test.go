package simulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// refundWorld is a simulator that generated two days of orders.
func refundWorld(t *testing.T) *sim {
	s := newSim(t, func(c *simulator.Config) { c.OrdersPerHour, c.EnforceRateLimits = 60, false })
	s.advance(48 * time.Hour)
	return s
}

func TestRefunds_are_consistent_with_their_orders(t *testing.T) {
	s := refundWorld(t)
	kinds := map[string]int{}
	for _, o := range s.srv.Orders() {
		for _, r := range o.Refunds {
			for _, it := range r.Items {
				var line *simulator.OrderItem
				for i := range o.Items {
					if o.Items[i].ID == it.OrderItemID {
						line = &o.Items[i]
					}
				}
				require.NotNil(t, line, "order %s refunds a line it has", o.ID)
				assert.Equal(t, line.SKU, it.SKU)
				assert.LessOrEqual(t, it.Quantity, line.QuantityShipped, "order %s: no more units refunded than shipped", o.ID)
				assert.LessOrEqual(t, it.Principal.Cmp(line.Principal()), 0, "order %s: no more than the item price", o.ID)
				assert.True(t, it.Total().IsPos())
				switch {
				case it.Return != nil:
					kinds["return"]++
					assert.Equal(t, it.Quantity, it.Return.Quantity)
					assert.NotEmpty(t, it.Return.Reason)
					assert.NotEmpty(t, it.Return.Condition)
				case o.ShippedAt.IsZero() || r.Posted.Before(o.ShippedAt):
					kinds["before shipment"]++
					assert.Zero(t, it.Quantity, "order %s: no units refunded before shipment", o.ID)
				case it.Quantity == 0:
					kinds["partial"]++
				default:
					kinds["full"]++
				}
			}
		}
	}
	for _, k := range []string{"before shipment", "return", "partial", "full"} {
		assert.Positive(t, kinds[k], "%s refunds: %v", k, kinds)
	}
}

func TestListFinancialEvents_pages_every_refund_once_with_amounts_equal_to_the_orders(t *testing.T) {
	s := refundWorld(t)
	want := map[string]decimal.Decimal{}
	for _, o := range s.srv.Orders() {
		for _, r := range o.Refunds {
			for _, it := range r.Items {
				want[it.AdjustmentID] = it.Total()
			}
		}
	}
	require.NotEmpty(t, want)
	q := url.Values{"PostedAfter": {epoch.Add(-time.Hour).Format(time.RFC3339)}, "MaxResultsPerPage": {"7"}}
	got := map[string]decimal.Decimal{}
	pages := 0
	for {
		body := exactJSON(t, s.get("/finances/v0/financialEvents?"+q.Encode()))["payload"].(map[string]any)
		pages++
		for _, e := range body["FinancialEvents"].(map[string]any)["RefundEventList"].([]any) {
			for _, it := range e.(map[string]any)["ShipmentItemAdjustmentList"].([]any) {
				item := it.(map[string]any)
				id := item["OrderAdjustmentItemId"].(string)
				_, seen := got[id]
				assert.False(t, seen, "adjustment %s listed once", id)
				total := decimal.Zero
				for _, c := range item["ItemChargeAdjustmentList"].([]any) {
					amount := decimal.MustParse(string(c.(map[string]any)["ChargeAmount"].(map[string]any)["CurrencyAmount"].(json.Number)))
					total, _ = total.Sub(amount)
				}
				got[id] = total
			}
		}
		next, _ := body["NextToken"].(string)
		if next == "" {
			break
		}
		q.Set("NextToken", next)
	}
	assert.Greater(t, pages, 1)
	require.Len(t, got, len(want))
	for id, total := range want {
		assert.Equal(t, total.String(), got[id].String(), "adjustment %s", id)
	}
}

func TestListFinancialEvents_refuses_times_too_recent_and_a_token_with_other_arguments(t *testing.T) {
	s := refundWorld(t)
	now := s.clock.Now()
	r := s.get("/finances/v0/financialEvents?PostedAfter=" + now.Add(-time.Minute).Format(time.RFC3339))
	assert.Equal(t, 400, r.status)
	assert.Contains(t, string(r.body), "more than two minutes before")
	after := epoch.Format(time.RFC3339)
	first := s.get("/finances/v0/financialEvents?MaxResultsPerPage=1&PostedAfter=" + after).json(t)
	token := first["payload"].(map[string]any)["NextToken"].(string)
	r = s.get("/finances/v0/financialEvents?PostedAfter=" + now.Add(-time.Hour).Format(time.RFC3339) + "&NextToken=" + url.QueryEscape(token))
	assert.Equal(t, 400, r.status)
}

// exactJSON decodes a reply with its numbers as written.
func exactJSON(t *testing.T, r reply) map[string]any {
	t.Helper()
	require.Equal(t, 200, r.status, string(r.body))
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.UseNumber()
	var m map[string]any
	require.NoError(t, d.Decode(&m))
	return m
}

func TestReturnsReport_lists_the_returns_of_its_window(t *testing.T) {
	s := refundWorld(t)
	want := 0
	for _, o := range s.srv.Orders() {
		for _, r := range o.Refunds {
			for _, it := range r.Items {
				if it.Return != nil && o.MarketplaceID == "ATVPDKIKX0DER" {
					want++
				}
			}
		}
	}
	require.Positive(t, want)
	r := s.call(http.MethodPost, "/reports/2021-06-30/reports", map[string]any{"reportType": simulator.ReturnsReportType,
		"marketplaceIds": []string{"ATVPDKIKX0DER"}, "dataStartTime": epoch.Add(-time.Hour).Format(time.RFC3339)})
	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	id := r.json(t)["reportId"].(string)
	assert.Equal(t, "IN_QUEUE", s.get("/reports/2021-06-30/reports/" + id).json(t)["processingStatus"])
	s.advance(time.Minute)
	report := s.get("/reports/2021-06-30/reports/" + id).json(t)
	require.Equal(t, "DONE", report["processingStatus"])
	data, ok := s.srv.Document(report["reportDocumentId"].(string))
	require.True(t, ok)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "Order ID\tOrder date\tReturn request date"))
	assert.Len(t, lines, want+1, "one row per returned line")
}
