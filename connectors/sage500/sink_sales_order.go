package sage500

import (
	"context"

	"github.com/pipewright/pipewright/engine/component"
)

// salesOrderSink writes sage500.sales_order documents: one transaction per
// order, idempotent by the key custom field, status updates for orders it
// already wrote.
type salesOrderSink struct {
	component.StartFunc
	component.ShutdownFunc
	keyedWriter
	cfg *SalesOrderConfig
	sql *orderSQL
	// create writes a new order (direct or staging mode).
	create func(context.Context, *txn, *orderDoc) error
}

var _ component.ConcurrentSink = (*salesOrderSink)(nil)

// NewSalesOrderFactory returns the factory of sage500.sales_order sinks.
func NewSalesOrderFactory() component.SinkFactory {
	return sinkFactory{
		factory{TypeSalesOrder, component.KindSink, func() any { return NewSalesOrderConfig() }},
		newSalesOrderSink,
	}
}

func newSalesOrderSink(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error) {
	c := cfg.(*SalesOrderConfig)
	w, err := newKeyedWriter(set, conn, "order", "sales_order", "sales_orders", "Sales-order messages by outcome: created, duplicate (already written), updated, ignored (status change not listed), skipped (canceled before it reached Sage), rejected.")
	if err != nil {
		return nil, err
	}
	s := &salesOrderSink{keyedWriter: w, cfg: c, sql: newOrderSQL(conn.dialect, conn.fields["sales_order"].ExtTable(), c.KeyField)}
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
		return s.reject(msg, s.cfg.KeyField, err)
	}
	return s.run(ctx, doc.key, func(ctx context.Context, t *txn) (string, error) {
		existing, found, err := s.find(ctx, t, doc.key)
		switch {
		case err != nil:
			return "", err
		case found:
			return s.update(ctx, t, existing, doc)
		case doc.status == statusCanceled:
			return "skipped", nil
		}
		return "created", s.create(ctx, t, doc)
	})
}
