package simulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// BenchmarkSimulator_searchOrders_full_page measures a full page (100
// orders with every includedData block) out of a backlog of about 12,000
// orders.
func BenchmarkSimulator_searchOrders_full_page(b *testing.B) {
	s := newSim(b, func(c *simulator.Config) {
		c.OrdersPerHour, c.History, c.EnforceRateLimits = 500, 24*time.Hour, false
	})
	q := url.Values{
		"createdAfter":      {epoch.Add(-25 * time.Hour).Format(time.RFC3339)},
		"maxResultsPerPage": {"100"},
		"includedData":      {"BUYER,RECIPIENT,PROCEEDS,PROMOTION,FULFILLMENT,PACKAGES,TAX"},
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := s.raw(s.token, http.MethodGet, searchPath+"?"+q.Encode(), nil)
		require.NoError(b, err)
		require.Equal(b, http.StatusOK, r.status)
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkSimulator_simulated_hour measures how fast the world runs: one
// simulated hour of 1,000 orders with their status changes and
// notifications per iteration.
func BenchmarkSimulator_simulated_hour(b *testing.B) {
	s := newSim(b, func(c *simulator.Config) { c.OrdersPerHour = 1000 })
	b.ResetTimer()
	for b.Loop() {
		s.clock.Advance(time.Hour)
		s.srv.Sync()
	}
	b.ReportMetric(float64(len(s.srv.Orders()))/float64(b.N), "orders/op")
}

// BenchmarkSimulator_getOrder measures getOrder with includedData.
func BenchmarkSimulator_getOrder(b *testing.B) {
	s := newSim(b, func(c *simulator.Config) { c.OrdersPerHour, c.History, c.EnforceRateLimits = 500, 4*time.Hour, false })
	orders := s.srv.Orders()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		path := "/orders/2026-01-01/orders/" + orders[i%len(orders)].ID + "?includedData=RECIPIENT,PROCEEDS,PROMOTION,FULFILLMENT"
		r, err := s.raw(s.token, http.MethodGet, path, nil)
		require.NoError(b, err)
		require.Equal(b, http.StatusOK, r.status)
		i++
	}
}
