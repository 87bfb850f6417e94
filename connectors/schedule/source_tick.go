package schedule

import (
	"context"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// tick is the batch of the tick scheduled at at: its message, or nothing
// when its body cannot be built and the tick was dead-lettered. Either way
// the tick becomes the cursor; a tick published but not recorded is
// published again after a restart with the same id, which the stream
// de-duplicates.
func (s *source) tick(ctx context.Context, at time.Time) (component.Batch, error) {
	msg, err := s.message(ctx, at)
	outcome := "published"
	b := component.Batch{Messages: []*component.Message{msg}, Cursor: []byte(at.UTC().Format(time.RFC3339Nano)), More: true}
	if err != nil {
		outcome = "dead_lettered"
		s.set.Logger.Error("tick body failed; dead-lettering the tick", "scheduled_at", at, "error", err)
		if dlErr := s.set.DeadLetter.DeadLetter(ctx, msg, err); dlErr != nil {
			return component.Batch{}, dlErr
		}
		b.Messages = nil
	}
	b.Ack = func(context.Context) error {
		s.from = at
		s.ticks.WithLabelValues(outcome).Inc()
		s.last.Set(float64(at.UnixNano()) / 1e9)
		return nil
	}
	return b, nil
}

// message builds the tick's message: id <pipeline>@<UTC time>, body the
// template's object plus scheduled_at. On a template error it returns the
// message without the template's part and a permanent error.
func (s *source) message(ctx context.Context, at time.Time) (*component.Message, error) {
	id := s.set.Pipeline + "@" + at.UTC().Format(time.RFC3339Nano)
	scheduled := at.In(s.loc).Format(time.RFC3339Nano)
	msg := component.NewMessage(id, map[string]any{"scheduled_at": scheduled})
	msg.SetMeta(component.MetaKey, id)
	msg.SetMeta(component.MetaReceivedAt, s.set.Clock.Now().UTC().Format(time.RFC3339Nano))
	if s.cfg.Body.IsZero() {
		return msg, nil
	}
	v, err := s.cfg.Body.Eval(ctx, msg)
	if err != nil {
		return msg, component.Permanentf("body: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return msg, component.Permanentf("body: want an object, got %s", component.TypeName(v))
	}
	body := make(map[string]any, len(obj)+1)
	for k, e := range obj {
		body[k] = e
	}
	body["scheduled_at"] = scheduled
	msg.Body = body
	return msg, nil
}
