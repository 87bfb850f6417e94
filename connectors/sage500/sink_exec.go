package sage500

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// ExecConfig is the options of a sage500.exec sink.
//
// Runs one of the connection's named statements per message, e.g. a
// write-back such as "shipment confirmed".
type ExecConfig struct {
	// The name of a statement under the connection's statements.
	Statement string `yaml:"statement" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// One CEL expression per @name parameter of the statement (all of them,
	// none other; @company_id is bound by the connection).
	Params map[string]component.Expr `yaml:"params" keys:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Fewer affected rows make the message fail permanently (e.g. 1 for an
	// update that must find its row).
	MinRowsAffected int64 `yaml:"min_rows_affected" schema:"minimum=0"`
}

// NewExecConfig returns the defaults.
func NewExecConfig() *ExecConfig { return &ExecConfig{} }

// Validate checks the options on their own.
func (c *ExecConfig) Validate() error {
	var errs []error
	if !sqltext.ValidIdent(c.Statement) {
		errs = append(errs, component.FieldErrorf("statement", "want the name of one of the connection's statements"))
	}
	for name := range c.Params {
		if !sqltext.ValidIdent(name) {
			errs = append(errs, component.FieldErrorf("params."+name, "not a parameter name: want letters, digits and underscores"))
		}
	}
	if c.MinRowsAffected < 0 {
		errs = append(errs, component.FieldErrorf("min_rows_affected", "must not be negative"))
	}
	return errors.Join(errs...)
}

// ValidateConnection checks that the statement exists and that params are
// exactly its parameters.
func (c *ExecConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	st, ok := cc.Statements[c.Statement]
	if !ok {
		return component.FieldErrorf("statement", "the connection has no statement %q (statements: %s)", c.Statement, describeKeys(cc.Statements))
	}
	if err := matchParams("statement "+c.Statement, sqltext.Params(st.SQL), sortedKeys(c.Params), paramCompanyID); err != nil {
		return component.FieldErrorf("params", "%v", err)
	}
	return nil
}

// execSink runs a named statement once per message.
type execSink struct {
	component.StartFunc
	component.ShutdownFunc
	cfg     *ExecConfig
	conn    *Connection
	st      *namedSQL
	log     *slog.Logger
	metrics *sinkMetrics
}

var _ component.ConcurrentSink = (*execSink)(nil)

// NewExecFactory returns the factory of sage500.exec sinks.
func NewExecFactory() component.SinkFactory {
	return sinkFactory{factory{TypeExec, component.KindSink, func() any { return NewExecConfig() }}, newExecSink}
}

func newExecSink(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error) {
	c := cfg.(*ExecConfig)
	m, err := newSinkMetrics(set.Metrics, "statements", "Statement messages by outcome: done, rejected.", "exec")
	if err != nil {
		return nil, err
	}
	return &execSink{cfg: c, conn: conn, st: conn.statements[c.Statement], log: set.Logger, metrics: m}, nil
}

// ConcurrentWrites marks the sink safe for concurrent Write calls.
func (*execSink) ConcurrentWrites() {}

// Write runs the statement for each message, each in its own transaction.
func (s *execSink) Write(ctx context.Context, batch []*component.Message) error {
	return writeBatch(ctx, s.metrics, batch, s.writeOne)
}

func (s *execSink) writeOne(ctx context.Context, msg *component.Message) error {
	values := map[string]any{}
	for name, e := range s.cfg.Params {
		v, err := e.Eval(ctx, msg)
		if err != nil {
			s.metrics.outcomes.WithLabelValues("rejected").Inc()
			return component.Permanent(fmt.Errorf("statement %s: parameter %s: %w", s.st.name, name, err))
		}
		values[name] = v
	}
	args, err := s.st.args(s.conn.dialect, s.conn.withBuiltins(values))
	if err != nil {
		s.metrics.outcomes.WithLabelValues("rejected").Inc()
		return err
	}
	err = s.conn.inTx(ctx, func(ctx context.Context, t *txn) error {
		res, err := t.ExecContext(ctx, s.st.sql, args...)
		if err != nil {
			return t.c.dialect.Classify(err)
		}
		n, err := res.RowsAffected()
		if err == nil && n < s.cfg.MinRowsAffected {
			return component.Permanentf("affected %d row(s), want at least %d", n, s.cfg.MinRowsAffected)
		}
		return nil
	})
	if err != nil {
		if component.IsPermanent(err) {
			s.metrics.outcomes.WithLabelValues("rejected").Inc()
		}
		return fmt.Errorf("statement %s: %w", s.st.name, err)
	}
	s.metrics.outcomes.WithLabelValues("done").Inc()
	return nil
}
