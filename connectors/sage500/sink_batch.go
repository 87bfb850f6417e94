package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// writeBatch writes a batch one message at a time with write and reports
// per-message outcomes. After a retryable error (the database is down or
// busy) the rest of the batch is not attempted and gets the same error, so
// it waits in the stream; a message that waits for something else
// (component.Waiting) holds up no other.
func writeBatch(ctx context.Context, m *sinkMetrics, batch []*component.Message, write func(context.Context, *component.Message) error) error {
	errs := map[int]error{}
	for i, msg := range batch {
		start := time.Now()
		err := write(ctx, msg)
		m.seconds.Observe(time.Since(start).Seconds())
		if err == nil {
			continue
		}
		errs[i] = err
		if (component.IsRetryable(err) && !component.IsWaiting(err)) || ctx.Err() != nil {
			for j := i + 1; j < len(batch); j++ {
				errs[j] = err
			}
			break
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if len(batch) == 1 {
		return errs[0]
	}
	return &component.BatchError{Errors: errs}
}

// keyedWriter is what the sinks keyed by a custom field share: one
// transaction per document, its outcome counted, a document a concurrent
// writer wrote first (it won the race past the lock) acknowledged as done.
type keyedWriter struct {
	conn    *Connection
	log     *slog.Logger
	metrics *sinkMetrics
	// what names a document in errors and logs ("order", "journal").
	what string
}

// newKeyedWriter registers pipewright_sage500_<metric>_total and the
// transaction time under the sink label.
func newKeyedWriter(set component.SinkSettings, conn *Connection, what, sink, metric, help string) (keyedWriter, error) {
	m, err := newSinkMetrics(set.Metrics, metric, help, sink)
	return keyedWriter{conn: conn, log: set.Logger, metrics: m, what: what}, err
}

// reject counts a document that could not be read and names it by its key
// when it has one.
func (w keyedWriter) reject(msg *component.Message, keyField string, err error) error {
	w.metrics.outcomes.WithLabelValues("rejected").Inc()
	return component.Permanent(fmt.Errorf("%s %s: %w", w.what, rawKey(msg, keyField), err))
}

// run runs write in a transaction and counts the outcome it reports. A
// unique violation may be a concurrent writer of the same key that got past
// the lock, or another unique index (a second unique custom field, a key
// handed out twice): write runs once more, and finds the document the other
// writer committed, or meets the violation again and fails. Taking every
// unique violation for a duplicate would acknowledge a document never
// written.
func (w keyedWriter) run(ctx context.Context, key string, write func(context.Context, *txn) (string, error)) error {
	var outcome string
	tx := func(ctx context.Context, t *txn) error {
		var err error
		outcome, err = write(ctx, t)
		return err
	}
	err := w.conn.inTx(ctx, tx)
	if err != nil && w.conn.dialect.IsUniqueViolation(err) {
		err = w.conn.inTx(ctx, tx)
	}
	if err != nil {
		if component.IsPermanent(err) {
			w.metrics.outcomes.WithLabelValues("rejected").Inc()
		}
		return fmt.Errorf("%s %s: %w", w.what, key, err)
	}
	w.metrics.outcomes.WithLabelValues(outcome).Inc()
	w.log.Debug("sage500 "+w.what+" written", "key", key, "outcome", outcome)
	return nil
}

// once creates the document of key with create unless findByKey (which
// locks the key's row of the extension table) finds it: then it is a
// duplicate, acknowledged without writing.
func (w keyedWriter) once(ctx context.Context, key, findByKey string, create func(context.Context, *txn) error) error {
	return w.run(ctx, key, func(ctx context.Context, t *txn) (string, error) {
		var found int64
		err := t.QueryRowContext(ctx, findByKey, t.c.dialect.Arg(key)).Scan(&found)
		switch {
		case err == nil:
			return "duplicate", nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", fmt.Errorf("looking the %s up: %w", w.what, t.c.dialect.Classify(err))
		}
		return "created", create(ctx, t)
	})
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
