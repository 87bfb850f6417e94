package simulator_test

import (
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// tableLimit returns the rate-limit table's row for an operation.
func tableLimit(t *testing.T, api, version, op string) models.RateLimit {
	rows, err := models.RateLimits()
	require.NoError(t, err)
	for _, r := range rows {
		if r.API == api && r.Version == version && r.Operation == op {
			return r
		}
	}
	t.Fatalf("no rate limit for %s/%s/%s", api, version, op)
	return models.RateLimit{}
}

func TestRateLimits_burst_then_429_in_Amazons_shape_then_refill_at_the_table_rate(t *testing.T) {
	o := time.RFC3339
	tests := []struct {
		api, version, op string
		path             string
	}{
		{"orders", "2026-01-01", "searchOrders", "/orders/2026-01-01/orders?lastUpdatedAfter=" + epoch.Add(-time.Hour).Format(o)},
		{"orders", "2026-01-01", "getOrder", "/orders/2026-01-01/orders/111-0000000-0000000"},
		{"orders", "v0", "getOrders", "/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER&CreatedAfter=" + epoch.Add(-time.Hour).Format(o)},
		{"feeds", "2021-06-30", "getFeeds", "/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED"},
		{"reports", "2021-06-30", "getReports", "/reports/2021-06-30/reports?reportTypes=" + simulator.SettlementReportType},
		{"fba-inventory", "v1", "getInventorySummaries", "/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=ATVPDKIKX0DER&marketplaceIds=ATVPDKIKX0DER"},
		{"listings-items", "2021-08-01", "getListingsItem", "/listings/2021-08-01/items/A1DEMOSELLER00/WB-0001-BK?marketplaceIds=ATVPDKIKX0DER"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			s := newSim(t)
			limit := tableLimit(t, tt.api, tt.version, tt.op)
			for i := range limit.Burst {
				r := s.get(tt.path)
				require.Less(t, r.status, 500, "call %d", i+1)
				require.NotEqual(t, http.StatusTooManyRequests, r.status, "call %d of a burst of %d", i+1, limit.Burst)
				assert.Equal(t, strconv.FormatFloat(limit.RatePerSecond, 'f', -1, 64), r.header.Get("x-amzn-RateLimit-Limit"))
			}
			r := s.get(tt.path)
			require.Equal(t, http.StatusTooManyRequests, r.status)
			assert.Equal(t, "QuotaExceeded", errorCode(t, r))
			assert.Equal(t, "TooManyRequestsException", r.header.Get("x-amzn-ErrorType"))
			assert.Empty(t, r.header.Get("Retry-After"))
			assert.Empty(t, r.header.Get("x-amzn-RateLimit-Limit"))
			assert.NotEmpty(t, r.header.Get("x-amzn-RequestId"))

			refill := time.Duration(math.Ceil(1000/limit.RatePerSecond)) * time.Millisecond
			s.clock.Advance(refill - time.Millisecond)
			assert.Equal(t, http.StatusTooManyRequests, s.get(tt.path).status, "no token before %v", refill)
			s.clock.Advance(time.Millisecond)
			assert.NotEqual(t, http.StatusTooManyRequests, s.get(tt.path).status, "one token after %v", refill)
			assert.Equal(t, http.StatusTooManyRequests, s.get(tt.path).status, "and only one")
		})
	}
}

func TestRateLimits_buckets_are_per_operation(t *testing.T) {
	s := newSim(t)
	search := "/orders/2026-01-01/orders?lastUpdatedAfter=" + epoch.Add(-time.Hour).Format(time.RFC3339)
	for range 20 {
		s.get(search)
	}
	require.Equal(t, http.StatusTooManyRequests, s.get(search).status)
	assert.Equal(t, http.StatusNotFound, s.get("/orders/2026-01-01/orders/111-0000000-0000000").status)
	stats := s.srv.Stats()
	assert.Equal(t, 21, stats.Calls["searchOrders"])
	assert.Equal(t, 1, stats.Throttled["searchOrders"])
}

func TestRateLimits_can_be_turned_off(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.EnforceRateLimits = false })
	search := "/orders/2026-01-01/orders?lastUpdatedAfter=" + epoch.Add(-time.Hour).Format(time.RFC3339)
	for range 30 {
		r := s.get(search)
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "0.0056", r.header.Get("x-amzn-RateLimit-Limit"), "the header still tells the client the limit")
	}
}
