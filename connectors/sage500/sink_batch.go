package sage500

import (
	"context"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// writeBatch writes a batch one message at a time with write and reports
// per-message outcomes. After a retryable error (the database is down or
// busy) the rest of the batch is not attempted and gets the same error, so
// it waits in the stream.
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
		if component.IsRetryable(err) || ctx.Err() != nil {
			for j := i + 1; j < len(batch); j++ {
				errs[j] = err
			}
			break
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == len(batch) && len(batch) == 1 {
		return errs[0]
	}
	return &component.BatchError{Errors: errs}
}
