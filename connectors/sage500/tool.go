package sage500

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// toolSettings are the settings of a connection a command-line tool
// (fields) opens outside the engine: no logs, a private metrics registry,
// the given clock.
func toolSettings(clock component.Clock) component.Settings {
	return component.Settings{
		ID:      "sage500-tool",
		Logger:  slog.New(slog.DiscardHandler),
		Metrics: prometheus.NewRegistry(),
		Clock:   clock,
	}
}
