package sage500

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pipewright/pipewright/engine/component"
)

// salesOrderSink writes sage500.sales_order documents: one transaction per
// order, idempotent by the key custom field, status updates for orders it
// already wrote.
type salesOrderSink struct {
	component.StartFunc
	component.ShutdownFunc
	cfg     *SalesOrderConfig
	conn    *Connection
	log     *slog.Logger
	sql     *orderSQL
	metrics *sinkMetrics
	// create writes a new order (direct or staging mode).
	create func(context.Context, *txn, *orderDoc) error
}

var _ component.ConcurrentSink = (*salesOrderSink)(nil)

// NewSalesOrderFactory returns the factory of sage500.sales_order sinks.
func NewSalesOrderFactory() component.SinkFactory {
	return sinkFactory{
		factory{TypeSalesOrder, component.KindSink, "sales_order", func() any { return NewSalesOrderConfig() }},
		newSalesOrderSink,
	}
}

func newSalesOrderSink(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error) {
	c := cfg.(*SalesOrderConfig)
	m, err := newSinkMetrics(set.Metrics, "sales_orders", "Sales-order messages by outcome: created, duplicate (already written), updated, ignored (status change not listed), skipped (canceled before it reached Sage), rejected.", "sales_order")
	if err != nil {
		return nil, err
	}
	s := &salesOrderSink{cfg: c, conn: conn, log: set.Logger, metrics: m,
		sql: newOrderSQL(conn.dialect, conn.fields["sales_order"].ExtTable(), c.KeyField)}
	s.create = s.createDirect
	if c.Mode == "staging" {
		s.create = s.createStaged
	}
	return s, nil
}

// ConcurrentWrites marks the sink safe for concurrent Write calls: each
// order is its own transaction and the key check holds a lock.
func (*salesOrderSink) ConcurrentWrites() {}

// Write writes each order of the batch in its own transaction.
func (s *salesOrderSink) Write(ctx context.Context, batch []*component.Message) error {
	return writeBatch(ctx, s.metrics, batch, s.writeOne)
}

func (s *salesOrderSink) writeOne(ctx context.Context, msg *component.Message) error {
	doc, err := s.parseOrderDoc(msg.Body)
	if err != nil {
		s.metrics.outcomes.WithLabelValues("rejected").Inc()
		return component.Permanent(fmt.Errorf("order %s: %w", rawKey(msg, s.cfg.KeyField), err))
	}
	var outcome string
	err = s.conn.inTx(ctx, func(ctx context.Context, t *txn) error {
		existing, found, err := s.find(ctx, t, doc.key)
		switch {
		case err != nil:
			return err
		case found:
			outcome, err = s.update(ctx, t, existing, doc)
			return err
		case doc.status == statusCanceled:
			outcome = "skipped"
			return nil
		}
		outcome = "created"
		return s.create(ctx, t, doc)
	})
	if err != nil && s.conn.dialect.IsUniqueViolation(err) {
		// Another writer created the order between our check and insert:
		// it is done.
		outcome, err = "duplicate", nil
	}
	if err != nil {
		if component.IsPermanent(err) {
			s.metrics.outcomes.WithLabelValues("rejected").Inc()
		}
		return fmt.Errorf("order %s: %w", doc.key, err)
	}
	s.metrics.outcomes.WithLabelValues(outcome).Inc()
	s.log.Debug("sales order written", "key", doc.key, "outcome", outcome)
	return nil
}

// rawKey names a message in an error before its document is read: the key
// custom field when there is one, else the message ID.
func rawKey(msg *component.Message, field string) string {
	if body, ok := msg.Body.(map[string]any); ok {
		if custom, ok := body["custom"].(map[string]any); ok {
			if k, ok := custom[field].(string); ok && k != "" {
				return k
			}
		}
	}
	return "in message " + msg.ID
}
