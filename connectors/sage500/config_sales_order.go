package sage500

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// Sage sales-order statuses (tsoSalesOrder.Status, README §1.1).
const (
	statusUnacknowledged = 0
	statusOpen           = 1
	statusCanceled       = 3
	statusClosed         = 4
)

// SalesOrderConfig is the options of a sage500.sales_order sink.
//
// Creates Sage 500 sales orders from documents of header, ship-to address,
// lines and custom fields in Sage's column names; idempotent by a unique
// custom field; applies allowed status changes to orders it already wrote.
type SalesOrderConfig struct {
	// direct writes Sage's tables in one transaction per order with Sage's
	// key allocation; staging loads StgSalesOrder/StgSOLine and runs Sage's
	// spSOapiSalesOrdIns (SQL Server only).
	Mode string `yaml:"mode" schema:"enum=direct|staging"`
	// The sales_order custom field that identifies an order (e.g.
	// AmazonOrderId); it must be declared unique on the connection. A second
	// delivery with the same value is acknowledged without writing.
	KeyField string `yaml:"key_field" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Status changes a later message for an existing order may make (Sage
	// statuses: 0 unacknowledged, 1 open, 2 inactive, 3 canceled, 4 closed, 5
	// incomplete, 6 pending approval). Cancellation (3) is refused with a
	// permanent error once anything has shipped.
	StatusTransitions []TransitionConfig `yaml:"status_transitions"`
	// What a status change no transition lists does: error (a permanent
	// error, the message goes to the dead-letter stream) or ignore
	// (acknowledged and counted).
	OnUnlistedTransition string `yaml:"on_unlisted_transition" schema:"enum=error|ignore"`
	// Write new orders as shipped already, by someone else (e.g. Amazon's
	// fulfilment network for FBA orders): closed, every line shipped in
	// full on one committed customer shipment (810) from the order's
	// warehouse. The shipment moves no stock: that warehouse's quantities
	// are kept by whoever shipped (e.g. a sage500.inventory_adjustment
	// flow). The document's Status is not used, except that a canceled
	// order (3) is not written. Direct mode only.
	Shipped bool `yaml:"shipped"`
}

// TransitionConfig allows changing an order's status from one of From to To.
//
// A status change: from any status of from to the status to.
type TransitionConfig struct {
	// Statuses the order may be in.
	From []int `yaml:"from" schema:"required,minimum=0,maximum=6"`
	// The status it changes to.
	To int `yaml:"to" schema:"required,minimum=0,maximum=6"`
}

// NewSalesOrderConfig returns the defaults: direct mode, cancellation of
// unacknowledged and open orders allowed.
func NewSalesOrderConfig() *SalesOrderConfig {
	return &SalesOrderConfig{
		Mode:                 "direct",
		StatusTransitions:    []TransitionConfig{{From: []int{statusUnacknowledged, statusOpen}, To: statusCanceled}},
		OnUnlistedTransition: "error",
	}
}

// Validate checks the options on their own.
func (c *SalesOrderConfig) Validate() error {
	var errs []error
	if c.Mode != "direct" && c.Mode != "staging" {
		errs = append(errs, component.FieldErrorf("mode", "want direct or staging"))
	}
	if !sqltext.ValidIdent(c.KeyField) {
		errs = append(errs, component.FieldErrorf("key_field", "want the name of a unique sales_order custom field"))
	}
	for i, tr := range c.StatusTransitions {
		for _, s := range append([]int{tr.To}, tr.From...) {
			if s < 0 || s > 6 {
				errs = append(errs, component.FieldErrorf(fmt.Sprintf("status_transitions.%d", i), "status %d is not a Sage sales-order status (0 to 6)", s))
			}
		}
	}
	if c.OnUnlistedTransition != "error" && c.OnUnlistedTransition != "ignore" {
		errs = append(errs, component.FieldErrorf("on_unlisted_transition", "want error or ignore"))
	}
	return errors.Join(errs...)
}

// ValidateConnection checks the options against the connection's: the key
// field must be a unique sales_order custom field, and staging mode needs
// SQL Server.
func (c *SalesOrderConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	var errs []error
	if err := requireUniqueField(cc, "sales_order", c.KeyField); err != nil {
		errs = append(errs, component.FieldErrorf("key_field", "%v", err))
	}
	if name, _, _ := parseDSN(cc.DSN); c.Mode == "staging" && name != "sqlserver" {
		errs = append(errs, component.FieldErrorf("mode", "staging mode needs SQL Server: it loads StgSalesOrder/StgSOLine and runs Sage's spSOapiSalesOrdIns, which the SQLite demo database does not have; use mode: direct"))
	}
	if c.Shipped && c.Mode == "staging" {
		errs = append(errs, component.FieldErrorf("shipped", "shipped orders are written in direct mode: Sage's import API imports orders, not their shipments"))
	}
	return errors.Join(errs...)
}

// allows returns whether the config allows changing status from to to.
func (c *SalesOrderConfig) allows(from, to int) bool {
	for _, tr := range c.StatusTransitions {
		if tr.To != to {
			continue
		}
		for _, f := range tr.From {
			if f == from {
				return true
			}
		}
	}
	return false
}

// requireUniqueField checks that the connection declares field as a unique
// custom field of entity.
func requireUniqueField(cc *ConnectionConfig, entity, field string) error {
	var names []string
	for _, f := range cc.CustomFields[entity] {
		if f.Name == field {
			if !f.Unique {
				return fmt.Errorf("custom field %s of %s must be declared unique: true to serve as the key", field, entity)
			}
			return nil
		}
		names = append(names, f.Name)
	}
	return fmt.Errorf("the connection declares no %s custom field %q (declared: %s)", entity, field, strings.Join(names, ", "))
}
