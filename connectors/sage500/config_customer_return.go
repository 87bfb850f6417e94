package sage500

import (
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// CustomerReturnConfig is the options of a sage500.customer_return sink.
type CustomerReturnConfig struct {
	// KeyField is the unique shipment custom field holding the return's
	// external key (e.g. AmazonRefundId): a second delivery is acknowledged.
	KeyField string `yaml:"key_field"`
	// OrderKeyField is the unique sales-order custom field the original
	// order is found by (e.g. AmazonOrderId).
	OrderKeyField string `yaml:"order_key_field"`
	// LineKeyField is the order-line custom field the returned lines are
	// found by (e.g. AmazonOrderItemId).
	LineKeyField string `yaml:"line_key_field"`
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
