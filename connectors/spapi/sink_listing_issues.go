package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// ListingIssuesConfig is the options of the spapi.listing_issues sink
// (there are none yet).
//
// LISTINGS_ITEM_STATUS_CHANGE and LISTINGS_ITEM_ISSUES_CHANGE notifications
// (as spapi.notifications publishes them) become the engine's listing
// board: the latest status and issues per SKU and marketplace, shown in
// the console (Listings) and at GET /api/listings/issues, and alerted on;
// a listing's entry clears when a later notification says its issues are
// gone and it is buyable.
type ListingIssuesConfig struct{}

type listingIssuesFactory struct{ factory }

var _ component.SinkFactory = listingIssuesFactory{}

// NewListingIssuesFactory returns the factory of the spapi.listing_issues
// sink.
func NewListingIssuesFactory() component.SinkFactory {
	return listingIssuesFactory{factory{typ: "spapi.listing_issues", kind: component.KindSink,
		newConfig: func() any { return &ListingIssuesConfig{} }}}
}

// ConnectionType returns "": the sink records notifications and calls
// nothing.
func (listingIssuesFactory) ConnectionType() component.Type { return "" }

// listingIssuesSink records each notification on the engine's board.
type listingIssuesSink struct {
	component.Lifecycle
	board component.ListingBoard
}

// CreateSink returns the sink; it needs the engine's listing board.
func (listingIssuesFactory) CreateSink(_ context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	if _, err := configAs[ListingIssuesConfig]("spapi.listing_issues", cfg); err != nil {
		return nil, err
	}
	if set.Listings == nil {
		return nil, errors.New("spapi.listing_issues: the engine gave no listing board")
	}
	return &listingIssuesSink{board: set.Listings}, nil
}

// listingsNotification is the part of a LISTINGS_ITEM_* notification the
// sink reads (PascalCase keys).
type listingsNotification struct {
	NotificationType string `json:"NotificationType"`
	EventTime        string `json:"EventTime"`
	Payload          struct {
		MarketplaceID      string   `json:"MarketplaceId"`
		ASIN               string   `json:"Asin"`
		SKU                string   `json:"Sku"`
		Status             []string `json:"Status"`
		Severities         []string `json:"Severities"`
		EnforcementActions []string `json:"EnforcementActions"`
	} `json:"Payload"`
	NotificationMetadata struct {
		NotificationID string `json:"NotificationId"`
	} `json:"NotificationMetadata"`
}

// Write records each message; one that is not a listings notification
// fails permanently on its own.
func (s *listingIssuesSink) Write(ctx context.Context, batch []*component.Message) error {
	errs := map[int]error{}
	for i, m := range batch {
		u, err := listingUpdate(m)
		if err == nil {
			err = s.board.Record(ctx, u)
		}
		if err != nil {
			errs[i] = err
		}
	}
	if len(errs) > 0 {
		return &component.BatchError{Errors: errs}
	}
	return nil
}

// listingUpdate reads a notification message as a listing update.
func listingUpdate(m *component.Message) (component.ListingUpdate, error) {
	raw, err := component.EncodeJSON(m.Body)
	if err != nil {
		return component.ListingUpdate{}, component.Permanent(err)
	}
	var n listingsNotification
	if err := json.Unmarshal(raw, &n); err != nil {
		return component.ListingUpdate{}, component.Permanent(fmt.Errorf("not a listings notification: %w", err))
	}
	p := n.Payload
	if p.SKU == "" {
		return component.ListingUpdate{}, component.Permanentf("the notification names no Sku")
	}
	at, err := time.Parse(time.RFC3339, n.EventTime)
	if err != nil {
		return component.ListingUpdate{}, component.Permanentf("the notification has no valid EventTime")
	}
	u := component.ListingUpdate{SKU: p.SKU, Marketplace: p.MarketplaceID, ASIN: p.ASIN, At: at, Source: n.NotificationMetadata.NotificationID}
	if u.Marketplace == "" {
		u.Marketplace = "ALL" // Amazon may leave it out: the listing in every marketplace
	}
	switch n.NotificationType {
	case models.ListingsItemStatusChange:
		u.Status = orEmpty(p.Status)
	case models.ListingsItemIssuesChange:
		u.Severities, u.Actions = orEmpty(p.Severities), orEmpty(p.EnforcementActions)
	default:
		return component.ListingUpdate{}, component.Permanentf("spapi.listing_issues takes LISTINGS_ITEM_STATUS_CHANGE and LISTINGS_ITEM_ISSUES_CHANGE notifications, not %q", n.NotificationType)
	}
	return u, nil
}

// orEmpty makes a missing list an empty one (none, as opposed to unknown).
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
