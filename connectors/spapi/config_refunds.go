package spapi

import (
	"errors"
	"slices"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// RefundsConfig is the options of the spapi.refunds source.
type RefundsConfig struct {
	// Every is the time between the starts of poll rounds.
	Every component.Duration `yaml:"every"`
	// Lookback is where the first round starts, before now.
	Lookback component.Duration `yaml:"lookback"`
	// Events are the event lists read: Refund (default), GuaranteeClaim,
	// Chargeback.
	Events []string `yaml:"events"`
	// Returns, when set, adds to each refunded item whose units come back
	// the return the returns report lists (reason, quantity).
	Returns *ReturnsConfig `yaml:"returns"`
}

// ReturnsConfig configures the returns report the refunds source reads.
type ReturnsConfig struct {
	// Lookback is how long before a refund window the report starts: a
	// return is requested before its refund.
	Lookback component.Duration `yaml:"lookback"`
	// Marketplaces the report covers (default: the connection's).
	Marketplaces []string `yaml:"marketplaces"`
}

// refundEventLists names the FinancialEvents lists by event type.
var refundEventLists = map[string]string{
	"Refund":         "RefundEventList",
	"GuaranteeClaim": "GuaranteeClaimEventList",
	"Chargeback":     "ChargebackEventList",
}

// maxEventsLookback is how far back listFinancialEvents reaches in one
// call (Amazon answers an empty list beyond 180 days).
const maxEventsLookback = 180 * 24 * time.Hour

func newRefundsConfig() *RefundsConfig {
	return &RefundsConfig{Every: component.Duration(15 * time.Minute), Lookback: component.Duration(7 * 24 * time.Hour),
		Events: []string{"Refund"}}
}

func refundsSchema() jsonSchema {
	return object("Amazon refunds (and optionally A-to-z guarantee claims and chargebacks) from the Finances API: listFinancialEvents polled from a cursor (PostedAfter) with NextToken pages. One message per event (an order's ShipmentEvent with its item adjustments), id <type>-<orderId>-<first OrderAdjustmentItemId>.", jsonSchema{
		"every":    duration("Time between poll rounds (default 15m)."),
		"lookback": duration("Where the first round starts, before now (default 168h; at most 4320h, Amazon's 180 days)."),
		"returns": object("Adds to each refunded item whose units come back (QuantityShipped > 0) the return that the returns report (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE, requested with createReport) lists for its order and SKU, as Return: {Reason, Quantity, Status, RequestDate}. A poll waits for the report to be ready.", jsonSchema{
			"lookback":     duration("How long before the refunds' window the report starts (default 1440h)."),
			"marketplaces": marketplaceList("Marketplaces of the report (default: the connection's)."),
		}),
		"events": list("Event types to read (default [Refund]): Refund, GuaranteeClaim, Chargeback.", jsonSchema{"type": "string", "enum": []any{"Refund", "GuaranteeClaim", "Chargeback"}}),
	})
}

// Validate checks the options.
func (c *RefundsConfig) Validate() error {
	var errs []error
	if c.Every <= 0 {
		errs = append(errs, component.FieldErrorf("every", "must be positive"))
	}
	if c.Lookback <= 0 || c.Lookback.D() > maxEventsLookback {
		errs = append(errs, component.FieldErrorf("lookback", "want a duration up to %s (Amazon's 180 days)", maxEventsLookback))
	}
	for i, e := range c.Events {
		if _, ok := refundEventLists[e]; !ok || slices.Index(c.Events, e) != i {
			errs = append(errs, component.FieldErrorf("events", "%q: want each of Refund, GuaranteeClaim, Chargeback at most once", e))
		}
	}
	if c.Returns != nil && c.Returns.Lookback == 0 {
		c.Returns.Lookback = component.Duration(60 * 24 * time.Hour)
	}
	if c.Returns != nil && (c.Returns.Lookback < 0 || c.Returns.Lookback.D() > maxEventsLookback) {
		errs = append(errs, component.FieldErrorf("returns.lookback", "want a duration up to %s", maxEventsLookback))
	}
	if len(c.Events) == 0 {
		errs = append(errs, component.FieldErrorf("events", "name at least one event type"))
	}
	return errors.Join(errs...)
}
