package sage500

import (
	"errors"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// ShipmentConfig is the options of a sage500.shipment sink.
//
// Creates a Sage 500 customer shipment (SO tran type 810 in tsoShipment,
// tsoShipmentLog, tsoShipLine, tsoShipLineDist; batch type 801) with its
// tracking number against a sales order found by its TranID, lines by
// SOLineNo; moves the shipped quantities on the order's distributions,
// closes the lines and the order that are shipped in full, and takes the
// units out of the default bin of the line's warehouse; idempotent by an
// external key (e.g. the package of an Amazon Multi-Channel Fulfillment
// shipment).
type ShipmentConfig struct {
	// The shipment custom field holding the shipment's external key (e.g.
	// AmazonPackageId); it must be declared unique on the connection. A
	// second delivery with the same value is acknowledged without writing.
	KeyField string `yaml:"key_field" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Take the shipped units out of the default bin of each line's
	// warehouse (timWhseBinInvt.QtyOnHand), as committing a shipment in
	// Sage does (default true).
	TakeStock bool `yaml:"take_stock"`
}

// NewShipmentConfig returns a config that takes stock.
func NewShipmentConfig() *ShipmentConfig { return &ShipmentConfig{TakeStock: true} }

// Validate checks the options on their own.
func (c *ShipmentConfig) Validate() error {
	if !sqltext.ValidIdent(c.KeyField) {
		return component.FieldErrorf("key_field", "want the name of a custom field")
	}
	return nil
}

// ValidateConnection checks that the key is a unique shipment custom field
// of the connection.
func (c *ShipmentConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	if err := requireUniqueField(cc, "shipment", c.KeyField); err != nil {
		return errors.Join(component.FieldErrorf("key_field", "%v", err))
	}
	return nil
}
