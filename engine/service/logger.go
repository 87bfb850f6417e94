package service

import (
	"context"
	"errors"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// watermillLogger adapts slog to Watermill. Watermill's info and debug
// chatter goes to debug; its errors stay errors.
type watermillLogger struct {
	l *slog.Logger
}

func newWatermillLogger(l *slog.Logger) watermill.LoggerAdapter {
	return watermillLogger{l: l.With("lib", "watermill")}
}

func attrs(fields watermill.LogFields) []any {
	out := make([]any, 0, 2*len(fields))
	for k, v := range fields {
		out = append(out, k, v)
	}
	return out
}

// Error logs at error level, except errors a handler returned that the
// engine logged already (one line per retry, not two).
func (w watermillLogger) Error(msg string, err error, fields watermill.LogFields) {
	if errors.As(err, new(reported)) {
		w.l.Debug(msg, append(attrs(fields), "error", err)...)
		return
	}
	w.l.Error(msg, append(attrs(fields), "error", err)...)
}
func (w watermillLogger) Info(msg string, fields watermill.LogFields) {
	w.l.Debug(msg, attrs(fields)...)
}
func (w watermillLogger) Debug(msg string, fields watermill.LogFields) {
	if w.l.Enabled(context.Background(), slog.LevelDebug-1) {
		w.l.Debug(msg, attrs(fields)...)
	}
}
func (w watermillLogger) Trace(string, watermill.LogFields) {}
func (w watermillLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return watermillLogger{l: w.l.With(attrs(fields)...)}
}
