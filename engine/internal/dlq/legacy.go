package dlq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// MoveLegacy moves the records of the dead-letter stream that engines used
// before records had a lifecycle (name; one subject per pipeline) into s as
// open records, then deletes that stream. It returns how many it moved.
func (s *Store) MoveLegacy(ctx context.Context, name string) (int, error) {
	old, err := s.js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("dead letters of an older version: %w", err)
	}
	subjects := old.CachedInfo().Config.Subjects
	n := 0
	for _, subject := range subjects {
		err := scanStream(ctx, old, subject, false, func(m jetstream.Msg, _ uint64) error {
			var r Record
			if err := json.Unmarshal(m.Data(), &r); err != nil {
				return fmt.Errorf("dead letter of an older version: %w", err)
			}
			r.Seq = 0
			if _, err := s.Add(ctx, &r); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	if err := s.js.DeleteStream(ctx, name); err != nil {
		return n, fmt.Errorf("removing the dead-letter stream of an older version: %w", err)
	}
	return n, nil
}
