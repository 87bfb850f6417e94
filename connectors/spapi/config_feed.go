package spapi

import (
	"errors"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// FeedConfig is the options of the spapi.feed sink.
type FeedConfig struct {
	// Marketplaces the feed applies to (default: the connection's).
	Marketplaces []string `yaml:"marketplaces"`
	// SKU is the listing's seller SKU.
	SKU component.Expr `yaml:"sku"`
	// ProductType is the listing's product type (default 'PRODUCT').
	ProductType component.Expr `yaml:"product_type"`
	// Patches builds the message's JSON Patch list.
	Patches component.Template `yaml:"patches"`
	// IssueLocale is the language of the processing report's issues.
	IssueLocale string `yaml:"issue_locale"`
	// Flush decides when buffered messages become a feed.
	Flush FlushConfig `yaml:"flush"`
	// PollEvery is the time between getFeed checks of a submitted feed.
	PollEvery component.Duration `yaml:"poll_every"`
}

// FlushConfig bounds a feed: it is sent when any bound is reached.
type FlushConfig struct {
	// MaxMessages is the most messages per feed (Amazon allows 25000).
	MaxMessages int `yaml:"max_messages"`
	// MaxBytes is the largest feed document in bytes.
	MaxBytes int `yaml:"max_bytes"`
	// Window is the longest time a buffered message waits.
	Window component.Duration `yaml:"window"`
}

// maxFeedMessages is Amazon's limit of messages per JSON_LISTINGS_FEED.
const maxFeedMessages = 25_000

func newFeedConfig() *FeedConfig {
	return &FeedConfig{
		ProductType: component.NewExpr("'PRODUCT'"),
		IssueLocale: "en_US",
		Flush:       FlushConfig{MaxMessages: 10_000, MaxBytes: 10 << 20, Window: component.Duration(5 * time.Minute)},
		PollEvery:   component.Duration(time.Minute),
	}
}

func feedSchema() jsonSchema {
	return object("JSON_LISTINGS_FEED patches (inventory fulfillment_availability, price purchasable_offer): messages are buffered durably and sent as one feed per count, size or time window; rejected messages go to the dead-letter stream with Amazon's issue and the SKU.", jsonSchema{
		"marketplaces": marketplaceList("Marketplaces of the feed (default: the connection's)."),
		"sku":          celExpr("The seller SKU, e.g. msg.sku"),
		"product_type": celExpr("The product type (default 'PRODUCT')"),
		"patches":      celTemplate("The list of JSON Patch operations {op, path, value}, e.g. [{op: \"'replace'\", path: \"'/attributes/fulfillment_availability'\", value: \"[{'fulfillment_channel_code': 'DEFAULT', 'quantity': msg.quantity}]\"}]"),
		"issue_locale": str("Locale of the processing report's messages (default en_US)."),
		"flush": object("When buffered messages are sent as a feed: whichever bound is reached first.", jsonSchema{
			"max_messages": integer("Messages per feed (default 10000, at most 25000).", 1),
			"max_bytes":    integer("Feed document size in bytes (default 10485760).", 1024),
			"window":       duration("Longest time a message waits (default 5m)."),
		}),
		"poll_every": duration("Time between getFeed checks of a submitted feed (default 1m)."),
	}, "sku", "patches")
}

// Validate checks the options.
func (c *FeedConfig) Validate() error {
	var errs []error
	if c.SKU.IsZero() {
		errs = append(errs, component.FieldErrorf("sku", "is required"))
	}
	if c.Patches.IsZero() {
		errs = append(errs, component.FieldErrorf("patches", "is required"))
	}
	if c.Flush.MaxMessages > maxFeedMessages {
		errs = append(errs, component.FieldErrorf("flush.max_messages", "at most %d messages per feed", maxFeedMessages))
	}
	if c.Flush.Window <= 0 {
		errs = append(errs, component.FieldErrorf("flush.window", "must be positive"))
	}
	if c.PollEvery <= 0 {
		errs = append(errs, component.FieldErrorf("poll_every", "must be positive"))
	}
	return errors.Join(errs...)
}
