package componenttest

import (
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// NewSettings returns settings for a component under test: a discarding
// logger (or one writing to t.Log when verbose), a fresh metrics registry, an
// in-memory state, the real clock and temporary directories.
func NewSettings(t testing.TB, id string) component.Settings {
	t.Helper()
	var w io.Writer = io.Discard
	if testing.Verbose() {
		w = testWriter{t}
	}
	return component.Settings{
		ID:      id,
		Logger:  slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: prometheus.NewRegistry(),
		State:   NewMemState(),
		Clock:   component.WallClock{},
		DataDir: t.TempDir(),
		Dir:     t.TempDir(),
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
