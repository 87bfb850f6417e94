package sage500

import (
	"errors"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// JournalConfig is the options of a sage500.journal sink.
//
// Creates a Sage 500 GL journal (tciBatchLog/tglBatch, tglJournalLog,
// tglJournalHdr, tglJournalDetl) from a document of debit and credit lines
// with account numbers; refuses unbalanced journals; idempotent by an
// external key.
type JournalConfig struct {
	// The journal custom field holding the journal's external key (e.g.
	// SettlementId); it must be declared unique on the connection. A second
	// delivery with the same value is acknowledged without writing.
	KeyField string `yaml:"key_field" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// The tglJournal.JrnlID the journal is numbered in.
	JournalID string `yaml:"journal_id" schema:"minLength=1,maxLength=2"`
}

// NewJournalConfig returns the defaults: the general journal GJ.
func NewJournalConfig() *JournalConfig { return &JournalConfig{JournalID: "GJ"} }

// Validate checks the options on their own.
func (c *JournalConfig) Validate() error {
	var errs []error
	if !sqltext.ValidIdent(c.KeyField) {
		errs = append(errs, component.FieldErrorf("key_field", "want the name of a unique journal custom field"))
	}
	if n := len(c.JournalID); n == 0 || n > 2 {
		errs = append(errs, component.FieldErrorf("journal_id", "want a JrnlID of 1 or 2 characters"))
	}
	return errors.Join(errs...)
}

// ValidateConnection checks that the key field is a unique journal custom
// field of the connection.
func (c *JournalConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	if err := requireUniqueField(cc, "journal", c.KeyField); err != nil {
		return component.FieldErrorf("key_field", "%v", err)
	}
	return nil
}
