package models

import (
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

var (
	listingsFeedSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
		return compileEmbedded("feeds/listings-feed-schema-v2.json", jsonschema.Draft7, nil)
	})
	listingsFeedMessageSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
		return compileEmbedded("feeds/listings-feed-message-schema-v2.json", jsonschema.Draft7, nil)
	})
	listingsFeedReportSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
		return compileEmbedded("feeds/listings-feed-processing-report-schema-v2.json", jsonschema.Draft7, nil)
	})
)

// ValidateListingsFeed checks a JSON_LISTINGS_FEED document against
// feeds/listings-feed-schema-v2.json.
func ValidateListingsFeed(doc []byte) error {
	sch, err := listingsFeedSchema()
	if err != nil {
		return err
	}
	return validate(sch, "JSON_LISTINGS_FEED document", doc)
}

// ValidateListingsFeedMessage checks one message of a JSON_LISTINGS_FEED
// against feeds/listings-feed-message-schema-v2.json.
func ValidateListingsFeedMessage(msg []byte) error {
	sch, err := listingsFeedMessageSchema()
	if err != nil {
		return err
	}
	return validate(sch, "JSON_LISTINGS_FEED message", msg)
}

// ValidateListingsFeedReport checks a JSON_LISTINGS_FEED processing report
// against feeds/listings-feed-processing-report-schema-v2.json.
func ValidateListingsFeedReport(doc []byte) error {
	sch, err := listingsFeedReportSchema()
	if err != nil {
		return err
	}
	return validate(sch, "JSON_LISTINGS_FEED processing report", doc)
}
