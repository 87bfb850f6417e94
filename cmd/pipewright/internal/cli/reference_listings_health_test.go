package cli_test

import (
	"context"
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
// listings-health flow, shown by GET /api/listings/issues. The right price
// sent again (held as a tenfold move and approved) clears it.
func (w *world) checkListingProblem(item string, price float64) {
	t := w.t
	t.Helper()
	var issue service.ListingIssue
	componenttest.WaitFor(t, "the suppressed listing on the board", func() bool {
		for _, l := range w.listingIssues() {
			if l.SKU == item && l.Marketplace == "ATVPDKIKX0DER" && l.StatusKnown {
				issue = l
				return true
			}
		}
		return false
	})
	assert.Equal(t, "ERROR", issue.Severity)
	assert.Equal(t, []string{"SEARCH_SUPPRESSED"}, issue.Actions)
	assert.Equal(t, []string{"DISCOVERABLE"}, issue.Status)

	_, err := w.db().Exec(`UPDATE timItem SET StdPrice = ? WHERE ItemID = ?`, price, item)
	require.NoError(t, err)
	held := w.heldPrice(item)
	_, err = w.engine.Admin().Approve(context.Background(), held.Seq, "e2e reviewer", "the right price again", componenttest.WaitLimit)
	require.NoError(t, err)
	componenttest.WaitFor(t, "the listing cleared from the board", func() bool {
		for _, l := range w.listingIssues() {
			if l.SKU == item && l.Marketplace == "ATVPDKIKX0DER" {
				return false
			}
		}
		return true
	})
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
