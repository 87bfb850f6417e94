package component

import (
	"context"
	"time"
)

// ListingUpdate is news about a marketplace listing (a seller SKU in one
// marketplace), for example from an SP-API LISTINGS_ITEM_STATUS_CHANGE or
// LISTINGS_ITEM_ISSUES_CHANGE notification. A nil Status or Severities
// leaves what the listing showed before; an empty one says there is none
// (issues gone: the listing's problem clears).
type ListingUpdate struct {
	SKU         string
	Marketplace string
	// ASIN is the marketplace's item id, if known.
	ASIN string
	// Status is the listing's statuses (e.g. BUYABLE, DISCOVERABLE).
	Status []string
	// Severities of the listing's open issues (ERROR, WARNING).
	Severities []string
	// Actions Amazon took (e.g. SEARCH_SUPPRESSED, LISTING_SUPPRESSED).
	Actions []string
	// At is when the change happened (the notification's event time); an
	// update older than what the board holds is ignored.
	At time.Time
	// Source says where the update came from (a notification id).
	Source string
}

// ListingBoard keeps the latest state of each listing for operators: the
// engine shows the listings with problems in its console and API and
// alerts on them. Record is durable when it returns and safe for
// concurrent use.
type ListingBoard interface {
	Record(ctx context.Context, u ListingUpdate) error
}
