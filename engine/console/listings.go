package console

import (
	"context"
	"net/http"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// listingsData is the listings page: every listing with a problem on the
// engine's listing board (fed by spapi.listing_issues), worst first.
type listingsData struct {
	Issues         []service.ListingIssue
	Errors, Others int
	Error          string
}

func (listingsData) title() (string, string) { return "Listings", "listings" }

func (c *Console) listings(w http.ResponseWriter, r *http.Request, info reqInfo) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	var d listingsData
	issues, err := c.e.ListingIssues(ctx)
	if err != nil {
		d.Error = err.Error()
	}
	for _, l := range issues {
		if l.Severity == "ERROR" {
			d.Errors++
		} else {
			d.Others++
		}
	}
	d.Issues = issues
	c.render(w, r, http.StatusOK, "listings", info, d)
}
