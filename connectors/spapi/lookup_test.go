package spapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// lookupQueries are the reconcile flow's lookups, as the README shows them.
const lookupQueries = `
queries:
  listing:
    operation: getListingsItem
    params: { sellerId: "@seller_id", sku: "@sku", marketplaceIds: ATVPDKIKX0DER, includedData: "summaries,fulfillmentAvailability,offers" }
  listed_asin:
    operation: getListingsItem
    params: { sellerId: "@seller_id", sku: "@sku", marketplaceIds: [ATVPDKIKX0DER] }
    result: /summaries/0/asin
  fba_inventory:
    operation: getInventorySummaries
    params: { granularityType: Marketplace, granularityId: ATVPDKIKX0DER, marketplaceIds: ATVPDKIKX0DER, sellerSkus: "@sku", details: true }
    result: /payload/inventorySummaries
  fba_summary:
    operation: fba-inventory/v1/getInventorySummaries
    params: { granularityType: Marketplace, granularityId: "@market", marketplaceIds: "@market", sellerSku: "@sku" }
    result: /payload/inventorySummaries/0
`

// lookupEnv is a connection with the lookup queries on the simulator, on
// a manual clock.
type lookupEnv struct {
	clock *componenttest.ManualClock
	sim   *simulator.Server
	conn  *spapi.Connection
}

// newLookupEnv starts the connection; faults are the simulator's fault
// options ("" for none). With faults a call is tried once, so a test sees
// the fault. Without, a call is tried again after a 429: the clock moves on
// while a call is in flight (lookup drives it), so the simulator's bucket
// can see two calls closer together than the connection's limiter did, as
// Amazon's can after network delays.
func newLookupEnv(t *testing.T, faults string) *lookupEnv {
	t.Helper()
	options := "orders_per_hour: 0\nsettlement_period: 0s\n" // quiet: no orders, no settlements
	attempts := 3
	if faults != "" {
		options += "faults: {" + faults + "}\n"
		attempts = 1
	}
	clock := componenttest.NewManualClock(epoch)
	sim := startSimulator(t, clock, options)
	retry := fmt.Sprintf("retry: {max_attempts: %d, backoff: 1s, max_backoff: 1s}\n", attempts)
	return &lookupEnv{clock: clock, sim: sim, conn: startConnection(t, clock, retry+onSimulator(sim)+lookupQueries)}
}

// lookup runs a lookup, advancing the clock while it waits for a rate-limit
// token.
func (e *lookupEnv) lookup(t *testing.T, query string, params map[string]any) (any, error) {
	t.Helper()
	var got any
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		got, err = e.conn.Lookup(componenttest.Context(t), query, params)
	}()
	drive(t, e.clock, e.sim, 100*time.Millisecond, 600, func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	})
	return got, err
}

func TestConnection_Lookup_returns_the_body_or_the_part_at_result(t *testing.T) {
	e := newLookupEnv(t, "")
	p := demo.Products[0]
	tests := []struct {
		name   string
		query  string
		params map[string]any
		check  func(t *testing.T, got any)
	}{
		{"listing with fulfillment availability", "listing", map[string]any{"sku": p.SellerSKU}, func(t *testing.T, got any) {
			l := got.(map[string]any)
			assert.Equal(t, p.SellerSKU, l["sku"])
			assert.Equal(t, []any{map[string]any{"fulfillmentChannelCode": "DEFAULT", "quantity": int64(p.Stock)}}, l["fulfillmentAvailability"])
			require.Len(t, l["summaries"], 1)
			assert.Equal(t, p.ASIN, l["summaries"].([]any)[0].(map[string]any)["asin"])
			require.Len(t, l["offers"], 1)
		}},
		{"unknown SKU: nothing found", "listing", map[string]any{"sku": "NO-SUCH-SKU"}, func(t *testing.T, got any) {
			assert.Nil(t, got)
		}},
		{"a scalar at result", "listed_asin", map[string]any{"sku": p.SellerSKU}, func(t *testing.T, got any) {
			assert.Equal(t, p.ASIN, got)
		}},
		{"FBA inventory list", "fba_inventory", map[string]any{"sku": []any{p.SellerSKU}}, func(t *testing.T, got any) {
			list := got.([]any)
			require.Len(t, list, 1)
			s := list[0].(map[string]any)
			assert.Equal(t, p.SellerSKU, s["sellerSku"])
			details := s["inventoryDetails"].(map[string]any)
			assert.Equal(t, s["totalQuantity"], details["fulfillableQuantity"], "no FBA order reserves units")
		}},
		{"FBA inventory of an unknown SKU: an empty list", "fba_inventory", map[string]any{"sku": "NO-SUCH-SKU"}, func(t *testing.T, got any) {
			assert.Equal(t, []any{}, got)
		}},
		{"first summary of an unknown SKU: nothing found", "fba_summary", map[string]any{"sku": "NO-SUCH-SKU", "market": "ATVPDKIKX0DER"}, func(t *testing.T, got any) {
			assert.Nil(t, got)
		}},
		{"first summary", "fba_summary", map[string]any{"sku": p.SellerSKU, "market": "ATVPDKIKX0DER"}, func(t *testing.T, got any) {
			s := got.(map[string]any)
			assert.Equal(t, p.SellerSKU, s["sellerSku"])
			assert.NotContains(t, s, "inventoryDetails", "details not asked for")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.lookup(t, tt.query, tt.params)
			require.NoError(t, err)
			tt.check(t, got)
		})
	}
	stats := e.sim.Stats()
	served := func(op string) int { return stats.Calls[op] - stats.Throttled[op] }
	assert.Equal(t, 3, served("getListingsItem"), "every lookup is a call: no cache")
	assert.Equal(t, 4, served("getInventorySummaries"))
}

func TestConnection_Lookup_classifies_errors(t *testing.T) {
	e := newLookupEnv(t, "")
	tests := []struct {
		name      string
		query     string
		params    map[string]any
		want      string
		permanent bool
	}{
		{"unknown query", "nope", nil, `no query "nope"`, true},
		{"a list for a path parameter", "listing", map[string]any{"sku": []any{"A", "B"}}, "path parameter sku takes one value, got 2", true},
		{"a value that is not a string or number", "listing", map[string]any{"sku": nil}, "parameter sku: want a string or number, got null", true},
		{"a marketplace the seller does not sell on", "fba_summary", map[string]any{"sku": "X", "market": "A1VC38T7YXB528"}, "HTTP 400", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.lookup(t, tt.query, tt.params)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, tt.permanent, component.IsPermanent(err), "%v", err)
		})
	}
}

// A 429 of the simulator's storm, once the client's attempts are spent, is
// handed to the engine as retryable with a delay.
func TestConnection_Lookup_429_storm_is_retryable(t *testing.T) {
	e := newLookupEnv(t, "storm_after: 0s, storm_for: 1h")
	_, err := e.lookup(t, "listing", map[string]any{"sku": demo.Products[0].SellerSKU})
	require.Error(t, err)
	assert.True(t, component.IsRetryable(err), "%v", err)
	assert.Positive(t, component.RetryDelay(err))
	assert.Contains(t, err.Error(), "HTTP 429")
	assert.Equal(t, 1, e.sim.Stats().Throttled["getListingsItem"])
}

func TestConnectionConfig_ValidateLookup_wants_the_query_and_exactly_its_parameters(t *testing.T) {
	cfg := componenttest.DecodeConfig(t, spapi.NewConnectionFactory(), minimalConnection+lookupQueries)
	var lv component.LookupValidator
	require.Implements(t, &lv, cfg)
	lv = cfg.(component.LookupValidator)
	tests := []struct {
		name   string
		query  string
		params []string
		want   string // "" for valid
	}{
		{"seller_id is pre-bound", "listing", []string{"sku"}, ""},
		{"several parameters", "fba_summary", []string{"sku", "market"}, ""},
		{"unknown query", "listings", []string{"sku"}, `connection has no query "listings" (queries: fba_inventory, fba_summary, listed_asin, listing)`},
		{"parameter missing", "fba_summary", []string{"sku"}, "query fba_summary needs parameter(s) market"},
		{"parameter not used", "listing", []string{"sku", "marketplace"}, "query listing takes no parameter(s) marketplace (it takes sku)"},
		{"pre-bound parameter given", "listing", []string{"seller_id", "sku"}, "takes no parameter(s) seller_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := lv.ValidateLookup(tt.query, tt.params)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
	none := componenttest.DecodeConfig(t, spapi.NewConnectionFactory(), minimalConnection).(component.LookupValidator)
	assert.ErrorContains(t, none.ValidateLookup("listing", nil), "defines no queries")
}
