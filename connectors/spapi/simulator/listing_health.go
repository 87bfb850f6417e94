package simulator

import (
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// The simulator's listing health, standing in for Amazon's pricing-error
// check: a catalogue listing whose price on a marketplace drops below half
// its catalogue price gets an ERROR issue and is suppressed from search
// (no longer BUYABLE there); a price back at half or more clears it. Each
// change raises LISTINGS_ITEM_ISSUES_CHANGE and LISTINGS_ITEM_STATUS_CHANGE
// notifications (models/notifications/ListingsItem*.json; PascalCase keys;
// Amazon delivers them through EventBridge), pushed to Notify.TypeURLs of
// their type. A feed or a patch that lowers a price tenfold (a mistyped
// price) triggers it deterministically.

// PricingErrorAction is the enforcement action of a suppressed listing.
const PricingErrorAction = "SEARCH_SUPPRESSED"

type listingsEnvelope struct {
	NotificationVersion  string               `json:"NotificationVersion"`
	NotificationType     string               `json:"NotificationType"`
	PayloadVersion       string               `json:"PayloadVersion"`
	EventTime            string               `json:"EventTime"`
	Payload              map[string]any       `json:"Payload"`
	NotificationMetadata notificationMetadata `json:"NotificationMetadata"`
}

// listingHealth applies the pricing check to a listing that changed. The
// caller holds s.mu.
func (s *Server) listingHealth(l *Listing, at time.Time) {
	ref, ok := catalogPrice(l.SKU)
	if !ok {
		return
	}
	if s.suppressed == nil {
		s.suppressed = map[string]bool{}
	}
	for _, m := range s.cfg.marketplaces() {
		e, ok := listedOffer(l, m.ID)
		if !ok {
			continue
		}
		price, ok := offerPrice(e)
		if !ok {
			continue
		}
		doubled, err := price.Mul(decimal.Two)
		low := err == nil && doubled.Cmp(ref) < 0
		key := m.ID + "/" + l.SKU
		if low == s.suppressed[key] {
			continue
		}
		s.suppressed[key] = low
		severities, actions, status := []string{}, []string{}, []string{"BUYABLE", "DISCOVERABLE"}
		if low {
			severities, actions, status = []string{"ERROR"}, []string{PricingErrorAction}, []string{"DISCOVERABLE"}
		}
		s.raiseListings(models.ListingsItemIssuesChange, at, map[string]any{
			"SellerId": s.cfg.SellerID, "MarketplaceId": m.ID, "Asin": l.ASIN, "Sku": l.SKU,
			"Severities": severities, "EnforcementActions": actions,
		})
		s.raiseListings(models.ListingsItemStatusChange, at, map[string]any{
			"SellerId": s.cfg.SellerID, "MarketplaceId": m.ID, "Asin": l.ASIN, "Sku": l.SKU,
			"CreatedDate": iso(l.Created), "Status": status,
		})
	}
}

// raiseListings records a LISTINGS_ITEM_* notification. The caller holds
// s.mu.
func (s *Server) raiseListings(typ string, at time.Time, payload map[string]any) {
	n := &Notification{ID: s.newUUID(), Type: typ, SKU: payload["Sku"].(string), LastUpdated: at}
	s.record(n, listingsEnvelope{
		NotificationVersion: "1.0", NotificationType: typ, PayloadVersion: "1.0", EventTime: iso(at), Payload: payload,
		NotificationMetadata: notificationMetadata{ApplicationID: applicationID, SubscriptionID: s.subscriptionID(typ),
			PublishTime: iso(at), NotificationID: n.ID},
	})
}

// catalogPrice is a demo product's catalogue price.
func catalogPrice(sku string) (decimal.Decimal, bool) {
	for _, p := range demo.Products {
		if p.SellerSKU == sku {
			return decimal.MustParse(p.Price), true
		}
	}
	return decimal.Decimal{}, false
}

// ListingSuppressed reports whether the pricing check suppressed a SKU on
// a marketplace.
func (s *Server) ListingSuppressed(marketplaceID, sku string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.suppressed[marketplaceID+"/"+sku]
}
