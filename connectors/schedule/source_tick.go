package schedule

import (
	"context"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// emit publishes the tick scheduled at at, or dead-letters it when its body
// cannot be built, then records it as the last tick. It retries until done;
// false when ctx ended first. A publish that started finishes even when ctx
// ends, so that a shutdown does not leave it half done.
func (s *source) emit(ctx context.Context, at time.Time) bool {
	msg, err := s.message(ctx, at)
	outcome := "published"
	if err != nil {
		outcome = "dead_lettered"
		s.set.Logger.Error("tick body failed; dead-lettering the tick", "scheduled_at", at, "error", err)
		if !s.retry(ctx, "dead-lettering a tick", func(ctx context.Context) error {
			return s.set.DeadLetter.DeadLetter(context.WithoutCancel(ctx), msg, err)
		}) {
			return false
		}
	} else if !s.retry(ctx, "publishing a tick", func(ctx context.Context) error {
		return s.set.Publisher.Publish(context.WithoutCancel(ctx), msg)
	}) {
		return false
	}
	s.ticks.WithLabelValues(outcome).Inc()
	s.last.Set(float64(at.UnixNano()) / 1e9)
	// A tick published but not recorded is published again after a restart
	// with the same id, which the stream de-duplicates.
	if err := s.set.State.Put(context.WithoutCancel(ctx), lastKey, []byte(at.UTC().Format(time.RFC3339Nano))); err != nil {
		s.set.Logger.Error("recording the last tick failed", "scheduled_at", at, "error", err)
	}
	return true
}

// message builds the tick's message: id <pipeline>@<UTC time>, body the
// template's object plus scheduled_at. On a template error it returns the
// message without the template's part and a permanent error.
func (s *source) message(ctx context.Context, at time.Time) (*component.Message, error) {
	id := s.set.Pipeline + "@" + at.UTC().Format(time.RFC3339Nano)
	scheduled := at.In(s.cfg.loc).Format(time.RFC3339Nano)
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
