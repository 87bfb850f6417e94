package simulator_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// listingsNote is what the test reads of a LISTINGS_ITEM_* notification.
type listingsNote struct {
	NotificationType string
	Payload          struct {
		MarketplaceID      string `json:"MarketplaceId"`
		SKU                string `json:"Sku"`
		Severities         []string
		EnforcementActions []string
		Status             []string
	}
}

// A price patched to a tenth (a mistyped price) makes the listing develop
// a pricing-error issue, announced by valid LISTINGS_ITEM_ISSUES_CHANGE
// and LISTINGS_ITEM_STATUS_CHANGE notifications; the right price clears
// it with two more. A modest change raises nothing.
func TestListingHealth_a_tenfold_price_drop_raises_an_issue_that_a_fix_clears(t *testing.T) {
	s := newSim(t)
	const item = "/listings/2021-08-01/items/A1DEMOSELLER00/WB-0002-BL?marketplaceIds=ATVPDKIKX0DER"
	notes := func() []listingsNote {
		var out []listingsNote
		for _, typ := range []string{models.ListingsItemIssuesChange, models.ListingsItemStatusChange} {
			for _, n := range s.srv.NotificationsOfType(typ) {
				_, err := models.ValidateNotification(n.Body)
				require.NoError(t, err, string(n.Body))
				var ln listingsNote
				require.NoError(t, json.Unmarshal(n.Body, &ln))
				out = append(out, ln)
			}
		}
		return out
	}
	patch := func(price float64) {
		s.clock.Advance(time.Second)
		r := s.call(http.MethodPatch, item, offerPatch("merge", "ATVPDKIKX0DER", "USD", price))
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		require.Equal(t, "ACCEPTED", r.json(t)["status"])
	}
	l, _ := s.srv.Listing("WB-0002-BL")
	require.NotEmpty(t, l.SKU)

	patch(20.00)
	assert.Empty(t, notes(), "a modest change is no problem")

	patch(2.39)
	got := notes()
	require.Len(t, got, 2)
	assert.Equal(t, models.ListingsItemIssuesChange, got[0].NotificationType)
	assert.Equal(t, []string{"ERROR"}, got[0].Payload.Severities)
	assert.Equal(t, []string{simulator.PricingErrorAction}, got[0].Payload.EnforcementActions)
	assert.Equal(t, "ATVPDKIKX0DER", got[0].Payload.MarketplaceID)
	assert.Equal(t, []string{"DISCOVERABLE"}, got[1].Payload.Status)
	assert.True(t, s.srv.ListingSuppressed("ATVPDKIKX0DER", "WB-0002-BL"))

	patch(2.29)
	assert.Len(t, notes(), 2, "still suppressed: nothing new")

	patch(23.90)
	got = notes()
	require.Len(t, got, 4)
	assert.Empty(t, got[1].Payload.Severities, "the issues are gone")
	assert.Equal(t, []string{"BUYABLE", "DISCOVERABLE"}, got[3].Payload.Status)
	assert.False(t, s.srv.ListingSuppressed("ATVPDKIKX0DER", "WB-0002-BL"))
}
