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
type SalesOrderConfig struct {
	// Mode is "direct" (write Sage's tables in one transaction) or
	// "staging" (StgSalesOrder/StgSOLine and spSOapiSalesOrdIns, SQL Server
	// only).
	Mode string `yaml:"mode"`
	// KeyField is the unique sales_order custom field that identifies an
	// order (e.g. AmazonOrderId): a second delivery is acknowledged as done.
	KeyField string `yaml:"key_field"`
	// StatusTransitions are the status changes a later message for an
	// existing order may make.
	StatusTransitions []TransitionConfig `yaml:"status_transitions"`
	// OnUnlistedTransition is "error" (a permanent error) or "ignore"
	// (acknowledge and count) for a status change no transition allows.
	OnUnlistedTransition string `yaml:"on_unlisted_transition"`
}

// TransitionConfig allows changing an order's status from one of From to To.
type TransitionConfig struct {
	From []int `yaml:"from"`
	To   int   `yaml:"to"`
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
