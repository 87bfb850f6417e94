package spapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// OrdersConfig is the options of the spapi.orders source.
//
// Amazon orders (Orders API v2026-01-01): searchOrders polling, plus
// ORDER_CHANGE notifications fetched with getOrder. Each order version is
// one message, id <orderId>@<lastUpdatedTime>.
type OrdersConfig struct {
	// Marketplaces to poll (default: the connection's).
	Marketplaces MarketplaceIDs `yaml:"marketplaces"`
	// Blocks to include (default RECIPIENT, PROCEEDS, PROMOTION,
	// FULFILLMENT): BUYER, RECIPIENT, PROCEEDS, EXPENSE, PROMOTION,
	// CANCELLATION, FULFILLMENT, PACKAGES, TAX, PAYMENT, FULFILLMENT_ORDERS.
	IncludedData []string `yaml:"included_data"`
	// Only orders in these fulfillment statuses (default: all), e.g.
	// UNSHIPPED.
	FulfillmentStatuses []string `yaml:"fulfillment_statuses"`
	// searchOrders polling, the safety net even with notifications.
	Poll PollConfig `yaml:"poll"`
	// ORDER_CHANGE notifications (raw SQS JSON or EventBridge event) on a
	// webhook path, from an SQS queue, or both; each changed order is
	// fetched once with getOrder.
	Notifications *NotificationIntake `yaml:"notifications"`
}

// PollConfig configures the searchOrders poller (see orders_poll.go).
type PollConfig struct {
	// Poll (default true).
	Enabled bool `yaml:"enabled"`
	// Time between poll cycles (default 5m); a cycle pages to the end, each
	// page waiting for a rate-limit token.
	Every component.Duration `yaml:"every"`
	// How far before the cursor a cycle starts again, for late-visible
	// updates (default 5m).
	Overlap component.Duration `yaml:"overlap"`
	// Where the first cycle starts, before now (default 24h).
	Lookback component.Duration `yaml:"lookback"`
}

// defaultIncludedData are the blocks asked for by default: the recipient
// (ship-to), proceeds (prices and totals), promotions and fulfillment
// (status, fulfilled by, ship-by window). Items always come with the order.
var defaultIncludedData = []string{"RECIPIENT", "PROCEEDS", "PROMOTION", "FULFILLMENT"}

func newOrdersConfig() *OrdersConfig {
	return &OrdersConfig{
		IncludedData: defaultIncludedData,
		Poll: PollConfig{Enabled: true, Every: component.Duration(5 * time.Minute),
			Overlap: component.Duration(5 * time.Minute), Lookback: component.Duration(24 * time.Hour)},
	}
}

// Validate checks the options against the Orders API model.
func (c *OrdersConfig) Validate() error {
	var errs []error
	errs = append(errs, checkEnum("searchOrders", "includedData", "included_data", c.IncludedData)...)
	errs = append(errs, checkEnum("searchOrders", "fulfillmentStatuses", "fulfillment_statuses", c.FulfillmentStatuses)...)
	if c.Poll.Enabled && c.Poll.Every <= 0 {
		errs = append(errs, component.FieldErrorf("poll.every", "must be positive"))
	}
	if !c.Poll.Enabled && c.Notifications == nil {
		errs = append(errs, component.FieldErrorf("poll.enabled", "with polling off, configure notifications"))
	}
	if c.Notifications != nil {
		errs = append(errs, underOption("notifications.", c.Notifications.Validate()))
	}
	return errors.Join(errs...)
}

// checkEnum checks option values against the enum of an operation's
// parameter, one FieldError per bad value.
func checkEnum(opName, param, option string, values []string) []error {
	op, err := models.LookupOperation(opName)
	if err != nil {
		return []error{err}
	}
	p, ok := op.Param(param)
	if !ok {
		return []error{fmt.Errorf("%s has no parameter %s", opName, param)}
	}
	var errs []error
	for i, v := range values {
		if err := p.CheckValue(v); err != nil {
			errs = append(errs, component.FieldErrorf(fmt.Sprintf("%s.%d", option, i), "%v", err))
		}
	}
	return errs
}

var _ component.PersonalDataDeclarer = (*OrdersConfig)(nil)

// PersonalData returns where an Orders API order holds the buyer's personal
// data: the buyer block (name, e-mail), the recipient (delivery address,
// phone), tax registrations (legal name, address) and gift messages.
func (c *OrdersConfig) PersonalData() []string {
	return []string{"/buyer", "/recipient", "/tax/taxRegistrations", "/orderItems/*/fulfillment/packing/giftOption/giftMessage"}
}
