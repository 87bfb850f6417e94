package componenttest

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// NewSettings returns settings for a component under test: a discarding
// logger (or one writing to t.Log when verbose), a fresh metrics registry, an
// in-memory state, the real clock and temporary directories.
func NewSettings(t testing.TB, id string) component.Settings {
	t.Helper()
	return component.Settings{
		ID:      id,
		Logger:  Logger(t),
		Metrics: prometheus.NewRegistry(),
		State:   NewMemState(),
		Clock:   component.WallClock{},
		DataDir: t.TempDir(),
		Dir:     t.TempDir(),
	}
}
