package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/service"
)

// A listing problem Amazon reported is on the Listings page and in the
// API, worst first, until a later report clears it; it survives a restart.
func TestBrowser_listing_problems_show_until_cleared(t *testing.T) {
	b := newBrowser(t)
	s := newShop(t, nil)
	s.start()
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	record := func(u component.ListingUpdate) {
		t.Helper()
		require.NoError(t, s.engine.Listings().Record(context.Background(), u))
	}
	record(component.ListingUpdate{SKU: "MUG-01", Marketplace: "ATVPDKIKX0DER", ASIN: "B0MUG", At: at,
		Severities: []string{"ERROR", "WARNING"}, Actions: []string{"SEARCH_SUPPRESSED"}})
	record(component.ListingUpdate{SKU: "MUG-01", Marketplace: "ATVPDKIKX0DER", At: at.Add(time.Minute), Status: []string{"DISCOVERABLE"}})
	record(component.ListingUpdate{SKU: "TEE-02", Marketplace: "A2EUQ1WTGCTBG2", At: at, Severities: []string{"WARNING"}, Actions: []string{}})
	record(component.ListingUpdate{SKU: "CAP-03", Marketplace: "ATVPDKIKX0DER", At: at, Status: []string{"BUYABLE", "DISCOVERABLE"}})

	b.open(s.url("/console/listings"))
	b.waitText("#listing-issues", "MUG-01")
	assert.Contains(t, b.text(`#listing-issues tr[data-sku="MUG-01"]`), "SEARCH_SUPPRESSED")
	assert.Contains(t, b.text(`#listing-issues tr[data-sku="MUG-01"]`), "DISCOVERABLE")
	assert.Contains(t, b.text(`#listing-issues tr[data-sku="TEE-02"]`), "WARNING")
	assert.NotContains(t, b.text("#listing-issues"), "CAP-03", "a buyable listing without issues is no problem")
	b.shot("listings")

	assert.Equal(t, []string{"MUG-01", "TEE-02"}, apiIssues(t, s))
	s.stop()
	s.start()
	assert.Equal(t, []string{"MUG-01", "TEE-02"}, apiIssues(t, s), "kept across a restart")

	// Amazon reports MUG-01's issues gone and the listing buyable again.
	record(component.ListingUpdate{SKU: "MUG-01", Marketplace: "ATVPDKIKX0DER", At: at.Add(time.Hour), Severities: []string{}, Actions: []string{}})
	assert.Equal(t, []string{"TEE-02", "MUG-01"}, apiIssues(t, s), "MUG-01 is still not buyable: ranked after the warning")
	record(component.ListingUpdate{SKU: "MUG-01", Marketplace: "ATVPDKIKX0DER", At: at.Add(2 * time.Hour), Status: []string{"BUYABLE"}})
	record(component.ListingUpdate{SKU: "TEE-02", Marketplace: "A2EUQ1WTGCTBG2", At: at.Add(-time.Hour), Severities: []string{}})
	assert.Equal(t, []string{"TEE-02"}, apiIssues(t, s), "an older report changes nothing")
	b.open(s.url("/console/listings"))
	b.waitText("#listing-issues", "TEE-02")
	assert.NotContains(t, b.text("#listing-issues"), "MUG-01")
}

// apiIssues returns the SKUs GET /api/listings/issues lists, in order.
func apiIssues(t *testing.T, s *shop) []string {
	t.Helper()
	resp, err := http.Get(s.url("/api/listings/issues"))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got struct{ Issues []service.ListingIssue }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	var skus []string
	for _, l := range got.Issues {
		skus = append(skus, l.SKU)
	}
	return skus
}
