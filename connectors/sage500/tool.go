package sage500

import (
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// toolSettings are the settings of a connection a command-line tool or
// demo helper opens outside the engine: no logs, a private metrics
// registry, the given clock.
func toolSettings(clock component.Clock) component.Settings {
	return component.Settings{
		ID:      "sage500-tool",
		Logger:  slog.New(slog.DiscardHandler),
		Metrics: prometheus.NewRegistry(),
		Clock:   clock,
	}
}

// toolConnection wraps a pool a tool opened, for the company, with times
// in loc (UTC when nil), and prepares no statements.
func toolConnection(db *sql.DB, dialectName, company, user string, clock component.Clock, loc *time.Location) (*Connection, error) {
	if loc == nil {
		loc = time.UTC
	}
	d, err := dialect.New(dialectName, loc)
	if err != nil {
		return nil, err
	}
	cfg := NewConnectionConfig()
	cfg.CompanyID = company
	cfg.TimeZone = loc.String()
	if user != "" {
		cfg.UserID = user
	}
	c, err := newConnection(toolSettings(clock), cfg, db, d)
	if err == nil {
		c.stmts = nil
	}
	return c, err
}
