package dlq_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/dlq"
)

func TestScrub_removes_personal_data_and_keeps_ids_and_amounts(t *testing.T) {
	paths, err := dlq.ParsePaths([]string{"/recipient", "/buyer/buyerEmail", "/lines/*/giftMessage", "/shipTo"})
	require.NoError(t, err)
	r := &dlq.Record{
		Error:    `wrap: "Friedrich-Wilhelm-Straße 117" does not fit in 5 lines of 40 characters`,
		Original: json.RawMessage(`{"orderId":"113-1","recipient":{"deliveryAddress":{"name":"Jane Roe"}},"buyer":{"buyerEmail":"jane@example.com","buyerCompanyName":null},"total":"12.50"}`),
		Input:    json.RawMessage(`{"orderId":"113-1","shipTo":{"name":"Jane Roe"},"lines":[{"sku":"A","giftMessage":"Happy birthday, Jane"},{"sku":"B"}]}`),
		Vars:     json.RawMessage(`{"customer":{"CustID":"AMZ-US"}}`),
	}
	require.True(t, dlq.Scrub(r, paths, dlq.Removed))
	assert.JSONEq(t, `{"orderId":"113-1","recipient":"[removed]","buyer":{"buyerEmail":"[removed]","buyerCompanyName":null},"total":"12.50"}`, string(r.Original))
	assert.JSONEq(t, `{"orderId":"113-1","shipTo":"[removed]","lines":[{"sku":"A","giftMessage":"[removed]"},{"sku":"B"}]}`, string(r.Input))
	assert.JSONEq(t, `{"customer":{"CustID":"AMZ-US"}}`, string(r.Vars))
	assert.Equal(t, `wrap: "[removed]" does not fit in 5 lines of 40 characters`, r.Error)
	assert.False(t, dlq.Scrub(r, paths, dlq.Removed), "scrubbing twice changes nothing")
}

func TestParsePaths_wants_json_pointers(t *testing.T) {
	_, err := dlq.ParsePaths([]string{"recipient.name"})
	assert.ErrorContains(t, err, "want a JSON pointer")
}

func TestNewerOrSame_compares_times_numbers_and_text(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"2026-11-26T12:09:56.063Z", "2026-11-26T12:09:56Z", true},
		{"2026-11-26T12:09:55Z", "2026-11-26T13:00:00+01:00", true},
		{"2026-11-26T11:59:59Z", "2026-11-26T12:00:00Z", false},
		{"10", "9", true},
		{"9", "10", false},
		{"b", "a", true},
		{"x", "", true},
		{"", "x", false},
	} {
		assert.Equal(t, tc.want, dlq.NewerOrSame(tc.a, tc.b), "%s >= %s", tc.a, tc.b)
	}
}
