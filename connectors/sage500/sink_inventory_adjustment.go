package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// adjustmentSink writes sage500.inventory_adjustment documents: one
// transaction per document, setting the default bin's QtyOnHand so the
// item's on hand in the warehouse's default bin equals the document's.
type adjustmentSink struct {
	component.StartFunc
	component.ShutdownFunc
	keyedWriter
	sql   adjustmentSQL
	state component.State // the last AsOf applied per warehouse and item (adjustment_asof.go)
}

type adjustmentSQL struct{ bin, item, onHand, set string }

var _ component.ConcurrentSink = (*adjustmentSink)(nil)

// NewInventoryAdjustmentFactory returns the factory of
// sage500.inventory_adjustment sinks.
func NewInventoryAdjustmentFactory() component.SinkFactory {
	return sinkFactory{
		factory{TypeInventoryAdjustment, component.KindSink, func() any { return NewInventoryAdjustmentConfig() }},
		newAdjustmentSink,
	}
}

func newAdjustmentSink(set component.SinkSettings, conn *Connection, _ any) (component.Sink, error) {
	w, err := newKeyedWriter(set, conn, "inventory adjustment", "inventory_adjustment", "inventory_adjustments",
		"Inventory adjustment messages by outcome: adjusted (on hand changed), unchanged (Sage already held the quantity), stale (older than the reading last applied), rejected.")
	if err != nil {
		return nil, err
	}
	r := func(s string) string { return dialect.Render(conn.dialect, s) }
	return &adjustmentSink{keyedWriter: w, state: set.State, sql: adjustmentSQL{
		bin: r(`SELECT w.{WhseKey}, b.{WhseBinKey} FROM {timWarehouse} w
LEFT JOIN {timWhseBin} b ON b.{WhseKey} = w.{WhseKey} AND b.{DfltBin} = 1
WHERE w.{CompanyID} = ? AND w.{WhseID} = ?`),
		item:   r(`SELECT {ItemKey} FROM {timItem} WHERE {CompanyID} = ? AND {ItemID} = ?`),
		onHand: r(`SELECT {QtyOnHand} FROM {timWhseBinInvt}{LOCK} WHERE {WhseBinKey} = ? AND {ItemKey} = ?`),
		set:    r(`UPDATE {timWhseBinInvt} SET {QtyOnHand} = ? WHERE {WhseBinKey} = ? AND {ItemKey} = ?`),
	}}, nil
}

// ConcurrentWrites marks the sink safe for concurrent Write calls.
func (*adjustmentSink) ConcurrentWrites() {}

// Write writes each document of the batch in its own transaction.
func (s *adjustmentSink) Write(ctx context.Context, batch []*component.Message) error {
	return writeBatch(ctx, s.metrics, batch, s.writeOne)
}

// adjustmentDoc is a sage500.inventory_adjustment input document.
type adjustmentDoc struct {
	whseID, itemID string
	qty            decimal.Decimal
	asOf           time.Time // zero: not given
}

func (s *adjustmentSink) parseDoc(body any) (adjustmentDoc, error) {
	r := newFieldReader("adjustment", body, s.conn.loc)
	doc := adjustmentDoc{
		whseID: r.str("WhseID", column("timWarehouse", "WhseID"), true),
		itemID: r.str("ItemID", column("timItem", "ItemID"), true),
		qty:    r.dec("QtyOnHand", column("timWhseBinInvt", "QtyOnHand"), zero),
	}
	if !r.has("QtyOnHand") {
		r.failf("QtyOnHand is required")
	}
	if r.err == nil && doc.qty.IsNeg() {
		r.failf("QtyOnHand: want a quantity of 0 or more, got %s", doc.qty)
	}
	r.used["AsOf"] = true
	if t, err := parseAsOf(r.m["AsOf"]); err != nil {
		r.failf("%v", err)
	} else {
		doc.asOf = t
	}
	return doc, r.finish()
}

func (s *adjustmentSink) writeOne(ctx context.Context, msg *component.Message) error {
	doc, err := s.parseDoc(msg.Body)
	if err != nil {
		s.metrics.outcomes.WithLabelValues("rejected").Inc()
		return component.Permanent(fmt.Errorf("inventory adjustment in message %s: %w", msg.ID, err))
	}
	return s.run(ctx, doc.whseID+"/"+doc.itemID, func(ctx context.Context, t *txn) (string, error) { return s.adjust(ctx, t, doc) })
}

// adjust reads the default bin's on hand under a lock and writes the
// difference: an update, or the bin's first stock row.
func (s *adjustmentSink) adjust(ctx context.Context, t *txn, doc adjustmentDoc) (string, error) {
	d := t.c.dialect
	var whseKey int64
	var binKey sql.NullInt64
	err := t.QueryRowContext(ctx, s.sql.bin, dialect.Args(d, t.c.cfg.CompanyID, doc.whseID)...).Scan(&whseKey, &binKey)
	if err = t.lookupErr(err, "adjustment.WhseID", "warehouse", doc.whseID); err != nil {
		return "", err
	}
	if !binKey.Valid {
		return "", component.Permanentf("adjustment.WhseID: warehouse %q has no default bin (timWhseBin.DfltBin = 1) to hold the quantity", doc.whseID)
	}
	itemKey, err := t.keyByID(ctx, s.sql.item, "item", "adjustment.ItemID", doc.itemID)
	if err != nil {
		return "", err
	}
	var held decimal.Decimal
	err = t.QueryRowContext(ctx, s.sql.onHand, dialect.Args(d, binKey.Int64, itemKey)...).Scan(&held)
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		if stale, serr := s.stale(ctx, doc); serr != nil || stale {
			return "stale", serr
		}
		if aerr := s.applied(ctx, doc); aerr != nil {
			return "", aerr
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if doc.qty.IsZero() {
			return "unchanged", nil
		}
		err = t.insert(ctx, catalog.MustLookup("timWhseBinInvt"), map[string]any{"WhseBinKey": binKey.Int64, "ItemKey": itemKey, "QtyOnHand": doc.qty})
	case err != nil:
		return "", fmt.Errorf("reading the on-hand quantity: %w", d.Classify(err))
	case held.Cmp(doc.qty) == 0:
		return "unchanged", nil
	default:
		if _, err = t.ExecContext(ctx, s.sql.set, dialect.Args(d, doc.qty, binKey.Int64, itemKey)...); err != nil {
			err = fmt.Errorf("setting the on-hand quantity: %w", d.Classify(err))
		}
	}
	if err != nil {
		return "", err
	}
	delta, _ := doc.qty.Sub(held)
	s.log.Info("sage500 on-hand quantity adjusted", "warehouse", doc.whseID, "item", doc.itemID,
		"from", held.Trim(0).String(), "to", doc.qty.Trim(0).String(), "adjustment", delta.Trim(0).String())
	return "adjusted", nil
}
