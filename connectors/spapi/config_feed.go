package spapi

import (
	"errors"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// FeedConfig is the options of the spapi.feed sink.
//
// JSON_LISTINGS_FEED patches (inventory fulfillment_availability, price
// purchasable_offer): messages are buffered durably and sent as one feed per
// count, size or time window; rejected messages go to the dead-letter stream
// with Amazon's issue and the SKU.
type FeedConfig struct {
	// Marketplaces of the feed (default: the connection's).
	Marketplaces MarketplaceIDs `yaml:"marketplaces"`
	// The seller SKU, e.g. msg.sku (CEL expression).
	SKU component.Expr `yaml:"sku" schema:"required"`
	// The product type (default 'PRODUCT') (CEL expression).
	ProductType component.Expr `yaml:"product_type"`
	// The list of JSON Patch operations {op, path, value}, e.g. [{op:
	// "'replace'", path: "'/attributes/fulfillment_availability'", value:
	// "[{'fulfillment_channel_code': 'DEFAULT', 'quantity':
	// msg.quantity}]"}] (YAML whose string leaves are CEL expressions).
	Patches component.Template `yaml:"patches" schema:"required"`
	// Locale of the processing report's messages (default en_US).
	IssueLocale string `yaml:"issue_locale"`
	// When buffered messages are sent as a feed: whichever bound is reached
	// first.
	Flush FlushConfig `yaml:"flush"`
	// Time between getFeed checks of a submitted feed (default 1m; 15m
	// with notifications, the safety net for a notification that never
	// came).
	PollEvery component.Duration `yaml:"poll_every"`
	// FEED_PROCESSING_FINISHED notifications (raw SQS JSON or EventBridge
	// event) on a webhook path: a finished feed's processing report is read
	// at once, without waiting for getFeed. What the path receives is kept
	// for every spapi.feed sink of the seller (in a cluster, in the shared
	// state every engine sees), so one path serves them all.
	Notifications *NotificationIntake `yaml:"notifications"`
}

// Default getFeed intervals of spapi.feed, and how often a feed in flight
// is looked up among the announcements (which costs no SP-API call): an
// announcement received by another engine of a cluster is seen within it.
const (
	defaultFeedPollEvery       = time.Minute
	defaultFeedNotifyPollEvery = 15 * time.Minute
	announceCheckEvery         = 15 * time.Second
)

// pollEvery is the configured getFeed interval or its default.
func (c *FeedConfig) pollEvery() time.Duration {
	switch {
	case c.PollEvery > 0:
		return c.PollEvery.D()
	case c.Notifications != nil:
		return defaultFeedNotifyPollEvery
	}
	return defaultFeedPollEvery
}

// checkEvery is how often the loop looks at the feeds in flight.
func (c *FeedConfig) checkEvery() time.Duration {
	if c.Notifications != nil {
		return min(announceCheckEvery, c.pollEvery())
	}
	return c.pollEvery()
}

// FlushConfig bounds a feed: it is sent when any bound is reached.
type FlushConfig struct {
	// Messages per feed (default 10000, at most 25000).
	MaxMessages int `yaml:"max_messages" schema:"minimum=1"`
	// Feed document size in bytes (default 10485760).
	MaxBytes int `yaml:"max_bytes" schema:"minimum=1024"`
	// Longest time a message waits (default 5m).
	Window component.Duration `yaml:"window"`
}

// maxFeedMessages is Amazon's limit of messages per JSON_LISTINGS_FEED.
const maxFeedMessages = 25_000

func newFeedConfig() *FeedConfig {
	return &FeedConfig{
		ProductType: component.NewExpr("'PRODUCT'"),
		IssueLocale: "en_US",
		Flush:       FlushConfig{MaxMessages: 10_000, MaxBytes: 10 << 20, Window: component.Duration(5 * time.Minute)},
	}
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
	if c.PollEvery < 0 {
		errs = append(errs, component.FieldErrorf("poll_every", "must be positive"))
	}
	if c.Notifications != nil {
		errs = append(errs, underOption("notifications.", c.Notifications.Validate()))
	}
	return errors.Join(errs...)
}
