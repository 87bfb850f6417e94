package sage500

import (
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// CustomerReturnConfig is the options of a sage500.customer_return sink.
//
// Creates a Sage 500 customer return (SO tran type 811 in tsoShipment,
// tsoShipmentLog, tsoShipLine, tsoShipLineDist; batch type 802) against the
// original sales order, found by a sales-order custom field; adds the
// returned quantities to the order lines' QtyRtrnCredit and puts restocked
// quantities back in the warehouse's default bin; idempotent by an external
// key. A return whose order (or shipment) is not in Sage yet fails as
// waiting (see errors.max_wait).
type CustomerReturnConfig struct {
	// The shipment custom field holding the return's external key (e.g.
	// AmazonRefundId); it must be declared unique on the connection. A
	// second delivery with the same value is acknowledged without writing.
	KeyField string `yaml:"key_field" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// The unique sales_order custom field the document's order value is
	// looked up in (e.g. AmazonOrderId).
	OrderKeyField string `yaml:"order_key_field" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// The order_line custom field each document line's line value is looked
	// up in on the order (e.g. AmazonOrderItemId).
	LineKeyField string `yaml:"line_key_field" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
}

// NewCustomerReturnConfig returns a config with no defaults: every field
// names a custom field of the client's connection.
func NewCustomerReturnConfig() *CustomerReturnConfig { return &CustomerReturnConfig{} }

// Validate checks the options on their own.
func (c *CustomerReturnConfig) Validate() error {
	var errs []error
	for _, f := range []struct{ path, v string }{{"key_field", c.KeyField}, {"order_key_field", c.OrderKeyField}, {"line_key_field", c.LineKeyField}} {
		if !sqltext.ValidIdent(f.v) {
			errs = append(errs, component.FieldErrorf(f.path, "want the name of a custom field"))
		}
	}
	return errors.Join(errs...)
}

// ValidateConnection checks that the fields are custom fields of the
// connection: the key a unique shipment field, the order key a unique
// sales-order field, the line key an order-line field.
func (c *CustomerReturnConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	var errs []error
	if err := requireUniqueField(cc, "shipment", c.KeyField); err != nil {
		errs = append(errs, component.FieldErrorf("key_field", "%v", err))
	}
	if err := requireUniqueField(cc, "sales_order", c.OrderKeyField); err != nil {
		errs = append(errs, component.FieldErrorf("order_key_field", "%v", err))
	}
	if !declaresField(cc, "order_line", c.LineKeyField) {
		errs = append(errs, component.FieldErrorf("line_key_field", "%v",
			fmt.Errorf("the connection declares no order_line custom field %q", c.LineKeyField)))
	}
	return errors.Join(errs...)
}

// declaresField reports whether the connection declares the custom field.
func declaresField(cc *ConnectionConfig, entity, field string) bool {
	for _, f := range cc.CustomFields[entity] {
		if f.Name == field {
			return true
		}
	}
	return false
}
