package service

import (
	"context"
	"fmt"
	"log/slog"
)

// logger returns l with every record redacted: the message and each
// attribute's text (strings, errors, anything printed with %v). Components
// log through it too, so a driver error quoting a DSN password is caught
// even where the component did not think of it. It redacts the secrets a
// reload adds as well.
func (r *redactor) logger(l *slog.Logger) *slog.Logger {
	return slog.New(redactingHandler{next: l.Handler(), r: r})
}

// redactingHandler is a slog.Handler redacting records before next.
type redactingHandler struct {
	next slog.Handler
	r    *redactor
}

// Enabled asks next.
func (h redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle passes a redacted copy of rec to next (rec itself while there
// are no secrets).
func (h redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	if h.r.r.Load() == nil {
		return h.next.Handle(ctx, rec)
	}
	out := slog.NewRecord(rec.Time, rec.Level, h.r.redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs binds the attributes redacted.
func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return redactingHandler{next: h.next.WithAttrs(red), r: h.r}
}

// WithGroup opens a group on next.
func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name), r: h.r}
}

// attr redacts one attribute. Values other than strings, errors and groups
// (numbers, times, durations, booleans) cannot hold a secret's text; any
// other value is printed and redacted.
func (h redactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.redact(v.String()))
	case slog.KindGroup:
		group := v.Group()
		red := make([]any, len(group))
		for i, g := range group {
			red[i] = h.attr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		text := fmt.Sprint(v.Any())
		if red := h.r.redact(text); red != text {
			return slog.String(a.Key, red)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
