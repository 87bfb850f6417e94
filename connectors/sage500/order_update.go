package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// existingOrder is an order found by its key. Status is null when the
// sales order row is gone (purged) while its custom fields remain.
type existingOrder struct {
	SOKey  int64
	Status sql.NullInt64
	TranNo sql.NullString
}

// find looks the key up under a lock held to the end of the transaction, so
// two deliveries of one order cannot both miss it.
func (s *salesOrderSink) find(ctx context.Context, t *txn, key string) (existingOrder, bool, error) {
	var o existingOrder
	err := t.QueryRowContext(ctx, s.sql.findByKey, t.c.dialect.Arg(key)).Scan(&o.SOKey, &o.Status, &o.TranNo)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return o, false, nil
	case err != nil:
		return o, false, fmt.Errorf("looking the order up: %w", t.c.dialect.Classify(err))
	}
	return o, true, nil
}

// update applies a status change the config allows to an existing order;
// anything else about the order is left as it is.
func (s *salesOrderSink) update(ctx context.Context, t *txn, o existingOrder, doc *orderDoc) (string, error) {
	if !o.Status.Valid || doc.status < 0 || doc.status == o.Status.Int64 {
		return "duplicate", nil
	}
	from, to := o.Status.Int64, doc.status
	if !s.cfg.allows(int(from), int(to)) {
		if s.cfg.OnUnlistedTransition == "ignore" {
			return "ignored", nil
		}
		return "", component.Permanentf("sales order %s (SOKey %d): changing the status from %d (%s) to %d (%s) is not allowed by status_transitions",
			o.TranNo.String, o.SOKey, from, statusName(from), to, statusName(to))
	}
	d := t.c.dialect
	if to == statusCanceled {
		return "updated", s.cancel(ctx, t, o)
	}
	_, err := t.ExecContext(ctx, s.sql.setStatus, dialect.Args(d, to, t.now, t.c.cfg.UserID, o.SOKey)...)
	if err != nil {
		return "", fmt.Errorf("updating the status: %w", d.Classify(err))
	}
	return "updated", nil
}

// cancel cancels an order without activity (README §2.2: Sage's API cancels
// only orders with no activity): nothing shipped on any line. The header
// becomes Canceled with no open amount; lines and distributions close.
func (s *salesOrderSink) cancel(ctx context.Context, t *txn, o existingOrder) error {
	d := t.c.dialect
	var shipped decimal.Decimal
	var shipLines int64
	if err := t.QueryRowContext(ctx, s.sql.shipped, o.SOKey, o.SOKey).Scan(&shipped, &shipLines); err != nil {
		return fmt.Errorf("checking shipments: %w", d.Classify(err))
	}
	if shipped.IsPos() || shipLines > 0 {
		return component.Permanentf("cannot cancel sales order %s (SOKey %d): %s unit(s) already shipped on %d shipment line(s); Sage cancels only orders without activity",
			o.TranNo.String, o.SOKey, shipped.Trim(0), shipLines)
	}
	return t.execAll(ctx, "canceling",
		boundStmt{s.sql.cancelHeader, dialect.Args(d, int64(statusCanceled), t.now, t.now, t.c.cfg.UserID, o.SOKey)},
		boundStmt{s.sql.cancelLines, dialect.Args(d, t.now, o.SOKey)},
		boundStmt{s.sql.cancelDists, dialect.Args(d, o.SOKey)})
}
