package sage500

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// toolSettings are the settings of a connection a command-line tool opens
// outside the engine: no logs, a private metrics registry, the wall clock.
func toolSettings() component.Settings {
	return component.Settings{
		ID:      "sage500-tool",
		Logger:  slog.New(slog.DiscardHandler),
		Metrics: prometheus.NewRegistry(),
		Clock:   wallClock{},
	}
}

type wallClock struct{}

func (wallClock) Now() time.Time                         { return time.Now() }
func (wallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
