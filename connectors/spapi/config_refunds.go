package spapi

import (
	"errors"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// RefundsConfig is the options of the spapi.refunds source.
//
// Amazon refunds (and optionally A-to-z guarantee claims and chargebacks)
// from the Finances API: listFinancialEvents polled from a cursor
// (PostedAfter) with NextToken pages. One message per event (an order's
// ShipmentEvent with its item adjustments), id <type>-<orderId>-<first
// OrderAdjustmentItemId>.
type RefundsConfig struct {
	// Time between poll rounds (default 15m).
	Every component.Duration `yaml:"every"`
	// Where the first round starts, before now (default 168h; at most
	// 4320h, Amazon's 180 days).
	Lookback component.Duration `yaml:"lookback"`
	// Event types to read (default [Refund]): Refund, GuaranteeClaim,
	// Chargeback.
	Events []string `yaml:"events" schema:"enum=Refund|GuaranteeClaim|Chargeback"`
	// Adds to each refunded item whose units come back (QuantityShipped >
	// 0) the return that the returns report
	// (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE, requested with
	// createReport) lists for its order and SKU, as Return: {Reason,
	// Quantity, Status, RequestDate}. A poll waits for the report to be
	// ready.
	Returns *ReturnsConfig `yaml:"returns"`
}

// ReturnsConfig configures the returns report the refunds source reads.
type ReturnsConfig struct {
	// How long before the refunds' window the report starts (default
	// 1440h): a return is requested before its refund.
	Lookback component.Duration `yaml:"lookback"`
	// Marketplaces of the report (default: the connection's).
	Marketplaces MarketplaceIDs `yaml:"marketplaces"`
}

// UnmarshalYAML decodes the returns options, lookback defaulting to 60
// days.
func (r *ReturnsConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain ReturnsConfig
	p := plain{Lookback: component.Duration(60 * 24 * time.Hour)}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = ReturnsConfig(p)
	return nil
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
	if c.Returns != nil && (c.Returns.Lookback <= 0 || c.Returns.Lookback.D() > maxEventsLookback) {
		errs = append(errs, component.FieldErrorf("returns.lookback", "want a duration up to %s", maxEventsLookback))
	}
	if len(c.Events) == 0 {
		errs = append(errs, component.FieldErrorf("events", "name at least one event type"))
	}
	return errors.Join(errs...)
}
