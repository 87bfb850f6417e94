package sage500_test

import (
	"context"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestConnection_Lookup_returns_a_row_rows_or_nil(t *testing.T) {
	forEachTarget(t, testConnection_Lookup_returns_a_row_rows_or_nil)
}

func testConnection_Lookup_returns_a_row_rows_or_nil(t *testing.T, tg target) {
	conn := newConn(t, tg)
	ctx := context.Background()
	got, err := conn.Lookup(ctx, "customer_for_marketplace", map[string]any{"marketplace": "A1F83G8C2ARO7P"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"CustID": "AMZUK", "CustName": "Amazon.co.uk channel", "CurrID": "GBP", "WhseID": "EAST"}, got)

	got, err = conn.Lookup(ctx, "customer_for_marketplace", map[string]any{"marketplace": "NOPE"})
	require.NoError(t, err)
	assert.Nil(t, got)

	got, err = conn.Lookup(ctx, "items_in_warehouse", map[string]any{"whse": "MAIN"})
	require.NoError(t, err)
	list := got.([]any)
	require.Len(t, list, 16)
	assert.Equal(t, map[string]any{"ItemID": "BP-0009-GY", "QtyOnHand": decimal.MustParse("30.00000000")}, list[0], "an expression's declared type")
}

func TestConnection_Lookup_caches_results_for_the_ttl(t *testing.T) {
	reg := prometheus.NewRegistry()
	clock := componenttest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	set := componenttest.NewSettings(t, "connection/sage")
	set.Metrics, set.Clock = reg, clock
	conn := newConnWith(t, connOptions(t, sqliteTarget(t).dsn)+"lookup_cache: {ttl: 1m}\n", set)
	ctx := context.Background()
	params := map[string]any{"marketplace": "ATVPDKIKX0DER"}
	first, err := conn.Lookup(ctx, "customer_for_marketplace", params)
	require.NoError(t, err)
	first.(map[string]any)["CustID"] = "changed by a step"

	_, err = conn.DB().Exec(`UPDATE tarCustomer SET CustName = 'Renamed' WHERE CustID = 'AMZUS'`)
	require.NoError(t, err)
	cached, err := conn.Lookup(ctx, "customer_for_marketplace", params)
	require.NoError(t, err)
	assert.Equal(t, "AMZUS", cached.(map[string]any)["CustID"], "a caller's change does not reach the cache")
	assert.Equal(t, "Amazon.com channel", cached.(map[string]any)["CustName"], "served from the cache")

	clock.Advance(time.Minute)
	fresh, err := conn.Lookup(ctx, "customer_for_marketplace", params)
	require.NoError(t, err)
	assert.Equal(t, "Renamed", fresh.(map[string]any)["CustName"], "expired, read again")
	assert.Equal(t, 1.0, counterValue(t, reg, "pipewright_sage500_lookups_total", "hit"))
	assert.Equal(t, 2.0, counterValue(t, reg, "pipewright_sage500_lookups_total", "miss"))
}

func TestConnection_Lookup_for_a_replay_asks_the_database_again(t *testing.T) {
	set := componenttest.NewSettings(t, "connection/sage")
	conn := newConnWith(t, connOptions(t, sqliteTarget(t).dsn)+"lookup_cache: {ttl: 1h}\n", set)
	ctx := context.Background()
	params := map[string]any{"marketplace": "ATVPDKIKX0DER"}
	_, err := conn.Lookup(ctx, "customer_for_marketplace", params)
	require.NoError(t, err)
	_, err = conn.DB().Exec(`UPDATE tarCustomer SET CustName = 'Fixed in Sage' WHERE CustID = 'AMZUS'`)
	require.NoError(t, err)
	cached, err := conn.Lookup(ctx, "customer_for_marketplace", params)
	require.NoError(t, err)
	assert.Equal(t, "Amazon.com channel", cached.(map[string]any)["CustName"], "an ordinary lookup is served from the cache")

	fresh, err := conn.Lookup(component.WithFreshLookups(ctx), "customer_for_marketplace", params)
	require.NoError(t, err)
	assert.Equal(t, "Fixed in Sage", fresh.(map[string]any)["CustName"], "a replay sees what was fixed")
	after, err := conn.Lookup(ctx, "customer_for_marketplace", params)
	require.NoError(t, err)
	assert.Equal(t, "Fixed in Sage", after.(map[string]any)["CustName"], "and refreshed the cache for the others")
}

// counterValue reads the counter of a CounterVec that has a label value.
func counterValue(t testing.TB, reg prometheus.Gatherer, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestConnection_Lookup_errors(t *testing.T) {
	conn := newConn(t, sqliteTarget(t))
	ctx := context.Background()
	_, err := conn.Lookup(ctx, "nope", nil)
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, `no query "nope"`)
	_, err = conn.Lookup(ctx, "customer_for_marketplace", map[string]any{})
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "no value for parameter @marketplace")
	_, err = conn.Lookup(ctx, "customer_for_marketplace", map[string]any{"marketplace": []any{"a"}})
	assert.ErrorContains(t, err, "cannot bind a list")
}

func TestConnectionConfig_ValidateLookup_checks_query_and_parameters(t *testing.T) {
	cfg := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlite:x.db")).(*sage500.ConnectionConfig)
	assert.NoError(t, cfg.ValidateLookup("customer_for_marketplace", []string{"marketplace"}))
	assert.ErrorContains(t, cfg.ValidateLookup("nope", nil), `no query "nope" (queries: customer_for_marketplace, items_in_warehouse, shipment_changes, shipment_keys, shipment_versions, shipments)`)
	assert.ErrorContains(t, cfg.ValidateLookup("customer_for_marketplace", nil), "needs parameter(s) marketplace")
	assert.ErrorContains(t, cfg.ValidateLookup("customer_for_marketplace", []string{"marketplace", "x"}), "takes no parameter(s) x")
}
