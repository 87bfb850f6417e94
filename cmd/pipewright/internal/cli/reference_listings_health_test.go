package cli_test

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// eventNotifyURLs sends the simulator's report, feed and listing
// notifications to the reference directory's paths (settlements, prices,
// listings-health), as pipewright.yaml's demo simulator does.
func eventNotifyURLs(listen string) map[string]string {
	base := "http://" + listen + "/hooks/amazon/"
	return map[string]string{
		models.ReportProcessingFinished: base + "reports",
		models.FeedProcessingFinished:   base + "feeds",
		models.ListingsItemIssuesChange: base + "listings",
		models.ListingsItemStatusChange: base + "listings",
	}
}

// checkListingProblem follows a tenth of the price on Amazon: the
// simulator suppresses the listing (a pricing error), and its
// LISTINGS_ITEM_* notifications put it on the listing board through the
// listings-health flow, shown by GET /api/listings/issues. (Clearing is
// shown by the connector, console and alerts tests.)
func (w *world) checkListingProblem(item string) {
	t := w.t
	t.Helper()
	var issue service.ListingIssue
	// The status and the issues notifications come separately, in either
	// order: wait for the board to have both.
	componenttest.WaitFor(t, "the suppressed listing on the board", func() bool {
		for _, l := range w.listingIssues() {
			if l.SKU == item && l.Marketplace == "ATVPDKIKX0DER" && l.StatusKnown && len(l.Severities) > 0 {
				issue = l
				return true
			}
		}
		return false
	})
	assert.Equal(t, "ERROR", issue.Severity)
	assert.Equal(t, []string{"SEARCH_SUPPRESSED"}, issue.Actions)
	assert.Equal(t, []string{"DISCOVERABLE"}, issue.Status)
}

// listingIssues reads GET /api/listings/issues.
func (w *world) listingIssues() []service.ListingIssue {
	w.t.Helper()
	resp, err := http.Get(strings.TrimSuffix(w.hook, "/hooks/amazon/orders") + "/api/listings/issues")
	require.NoError(w.t, err)
	defer resp.Body.Close()
	require.Equal(w.t, http.StatusOK, resp.StatusCode)
	var got struct{ Issues []service.ListingIssue }
	require.NoError(w.t, json.NewDecoder(resp.Body).Decode(&got))
	return got.Issues
}
