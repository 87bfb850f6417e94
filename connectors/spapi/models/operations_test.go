package models_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

func TestLookupOperation_by_name(t *testing.T) {
	tests := []struct {
		name, method, path, version string
	}{
		{"searchOrders", "GET", "/orders/2026-01-01/orders", "2026-01-01"},
		{"orders/2026-01-01/getOrder", "GET", "/orders/2026-01-01/orders/{orderId}", "2026-01-01"},
		{"orders/v0/getOrder", "GET", "/orders/v0/orders/{orderId}", "v0"},
		{"confirmShipment", "POST", "/orders/v0/orders/{orderId}/shipmentConfirmation", "v0"},
		{"orders/v0/confirmShipment", "POST", "/orders/v0/orders/{orderId}/shipmentConfirmation", "v0"},
		{"createFeed", "POST", "/feeds/2021-06-30/feeds", "2021-06-30"},
		{"patchListingsItem", "PATCH", "/listings/2021-08-01/items/{sellerId}/{sku}", "2021-08-01"},
		{"getInventorySummaries", "GET", "/fba/inventory/v1/summaries", "v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := models.LookupOperation(tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.method, op.Method)
			assert.Equal(t, tt.path, op.Path)
			assert.Equal(t, tt.version, op.Version)
		})
	}
}

func TestLookupOperation_ambiguous_name_lists_the_qualified_choices(t *testing.T) {
	_, err := models.LookupOperation("getOrder")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "orders/2026-01-01/getOrder")
	assert.Contains(t, err.Error(), "orders/v0/getOrder")
}

func TestLookupOperation_unknown_name_suggests_a_close_one(t *testing.T) {
	_, err := models.LookupOperation("serchOrders")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "searchOrders"`)
}

func TestOperations_index_every_model(t *testing.T) {
	ops := models.Operations()
	apis := map[string]int{}
	for _, op := range ops {
		apis[op.API+"/"+op.Version]++
		assert.NotEmpty(t, op.Method, op.Name)
		_, err := models.LookupOperation(op.QualifiedName())
		assert.NoError(t, err)
	}
	assert.Equal(t, map[string]int{
		"application/2023-11-30": 1, "fba-inventory/v1": 4, "feeds/2021-06-30": 6, "finances/v0": 4, "fulfillment-outbound/2020-07-01": 14, "listings-items/2021-08-01": 5,
		"notifications/v1": 10, "orders/v0": 10, "orders/2026-01-01": 2,
		"product-pricing/v0": 6, "reports/2021-06-30": 9, "tokens/2021-03-01": 1,
	}, apis)
}

func TestOperation_sandbox_responses_validate_against_the_model(t *testing.T) {
	n := 0
	for _, op := range models.Operations() {
		for i, c := range op.SandboxCases() {
			t.Run(fmt.Sprintf("%s/%d/%d", op.Name, c.Status, i), func(t *testing.T) {
				body := c.Response
				if c.Status == 204 || c.Status == 200 && len(body) == 0 {
					body = nil
				}
				assert.NoError(t, op.ValidateResponse(c.Status, body))
			})
			n++
		}
	}
	assert.Equal(t, 122, n)
}

func TestOperation_ValidateResponse_reports_violations_with_their_location(t *testing.T) {
	op, err := models.LookupOperation("orders/2026-01-01/getOrder")
	require.NoError(t, err)
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"wrong type", 200, `{"order":{"orderId":5}}`, "/order/orderId"},
		{"bad enum", 200, `{"order":{"orderId":"1","createdTime":"2025-01-01T00:00:00Z","lastUpdatedTime":"2025-01-01T00:00:00Z","salesChannel":{"channelName":"AMAZON"},"fulfillment":{"fulfillmentStatus":"CANCELED"},"orderItems":[]}}`, "/order/fulfillment/fulfillmentStatus"},
		{"error list without errors", 400, `{}`, "missing properties: 'errors'"},
		{"undeclared status", 418, `{}`, "no response with status 418"},
		{"not JSON", 200, `{`, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := op.ValidateResponse(tt.status, []byte(tt.body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestOperation_ValidateRequest_checks_the_body_schema(t *testing.T) {
	op, err := models.LookupOperation("confirmShipment")
	require.NoError(t, err)
	for _, c := range op.SandboxCases() {
		if c.Status == 204 {
			assert.NoError(t, op.ValidateRequest(c.RequestBody))
		}
	}
	err = op.ValidateRequest([]byte(`{"marketplaceId":"ATVPDKIKX0DER","packageDetail":{"packageReferenceId":"1"}}`))
	var se *models.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Error(), "/packageDetail")

	search, err := models.LookupOperation("searchOrders")
	require.NoError(t, err)
	assert.NoError(t, search.ValidateRequest(nil))
	assert.ErrorContains(t, search.ValidateRequest([]byte(`{}`)), "takes no request body")
}

func TestOperation_CheckParam_names_the_parameters_it_takes(t *testing.T) {
	op, err := models.LookupOperation("searchOrders")
	require.NoError(t, err)
	assert.NoError(t, op.CheckParam("query", "lastUpdatedAfter"))
	err = op.CheckParam("query", "LastUpdatedAfter")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "lastUpdatedAfter"`)
	assert.ErrorContains(t, op.CheckParam("path", "orderId"), "takes no path parameters")

	p, ok := op.Param("includedData")
	require.True(t, ok)
	assert.Equal(t, "array", p.Type)
	assert.NoError(t, p.CheckValue("RECIPIENT"))
	assert.ErrorContains(t, p.CheckValue("RECIPIENTS"), "is not one of")
}

func TestOperation_CheckParam_in_any_location_and_CheckRequired(t *testing.T) {
	op := models.MustLookupOperation("getListingsItem")
	assert.NoError(t, op.CheckParam("", "sku"))
	assert.NoError(t, op.CheckParam("", "marketplaceIds"))
	assert.ErrorContains(t, op.CheckParam("", "skus"), `getListingsItem has no parameter "skus"; did you mean "sku"?`)

	given := map[string]bool{"sellerId": true}
	errs := op.CheckRequired("", func(name string) bool { return given[name] })
	require.Len(t, errs, 2)
	assert.EqualError(t, errs[0], "getListingsItem needs path parameter sku")
	assert.EqualError(t, errs[1], "getListingsItem needs query parameter marketplaceIds")
	assert.Empty(t, op.CheckRequired("path", func(name string) bool { return name != "marketplaceIds" }))
}

func TestParameter_CheckValues_counts_and_enums(t *testing.T) {
	op := models.MustLookupOperation("getListingsItem")
	sku, _ := op.Param("sku")
	included, _ := op.Param("includedData")
	tests := []struct {
		name   string
		p      models.Parameter
		values []string
		want   string // "" for valid
	}{
		{"one value", sku, []string{"A"}, ""},
		{"two values for a string", sku, []string{"A", "B"}, "path parameter sku takes one value, got 2"},
		{"none for a string", sku, nil, "takes one value, got 0"},
		{"array in the enum", included, []string{"summaries", "offers"}, ""},
		{"array item outside the enum", included, []string{"summaries", "offer"}, `"offer" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.CheckValues(tt.values)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestOperation_DefaultRateLimit_prefers_the_table_then_the_description(t *testing.T) {
	tests := []struct {
		name  string
		rate  float64
		burst int
	}{
		{"searchOrders", 0.0056, 20},
		{"confirmShipment", 2, 10},
		{"getFeeds", 0.0222, 10}, // not in the table: from the description
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := models.LookupOperation(tt.name)
			require.NoError(t, err)
			plan, ok := op.DefaultRateLimit()
			require.True(t, ok)
			assert.Equal(t, tt.rate, plan.Rate)
			assert.Equal(t, tt.burst, plan.Burst)
		})
	}
}

func TestOperation_exposes_body_and_response_schemas(t *testing.T) {
	op, err := models.LookupOperation("createFeed")
	require.NoError(t, err)
	require.NotNil(t, op.Body)
	assert.JSONEq(t, `{"$ref":"#/definitions/CreateFeedSpecification"}`, string(op.Body.Schema))
	sch, ok := op.ResponseSchema(202)
	require.True(t, ok)
	assert.JSONEq(t, `{"$ref":"#/definitions/CreateFeedResponse"}`, string(sch))
	_, ok = op.ResponseSchema(418)
	assert.False(t, ok)
	assert.Contains(t, op.Statuses(), 202)
}
