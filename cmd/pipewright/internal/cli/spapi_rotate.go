package cli

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
)

// rotateSecret rotates the LWA client secret of every spapi connection of
// dir with credentials.rotation (or only connection), writing each new
// secret to its secret_file. Progress goes to stderr; no secret is printed.
func rotateSecret(e *env, dir, connection string) error {
	p, err := e.loadProject(dir)
	if err != nil {
		printLoadError(e, err)
		return errReported
	}
	names, err := rotatingConnections(p, connection)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	for _, name := range names {
		if err := rotateOne(p, name, log); err != nil {
			return fmt.Errorf("connection %s: %w", name, err)
		}
		fmt.Fprintf(e.stdout, "connection %s: rotated the LWA client secret; the new one is in %s\n", name,
			p.Connections[name].Config.(*spapi.ConnectionConfig).Credentials.Rotation.SecretFile)
	}
	return nil
}

// rotatingConnections names the spapi connections with credentials.rotation
// (only, when not empty).
func rotatingConnections(p *config.Project, only string) ([]string, error) {
	var names []string
	for name, c := range p.Connections {
		cfg, ok := c.Config.(*spapi.ConnectionConfig)
		if ok && cfg.Credentials.Rotation != nil && (only == "" || only == name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		if only != "" {
			return nil, fmt.Errorf("%s has no spapi connection %q with credentials.rotation", p.Dir, only)
		}
		return nil, fmt.Errorf("%s has no spapi connection with credentials.rotation", p.Dir)
	}
	sort.Strings(names)
	return names, nil
}

// rotateOne starts connection name on its own and rotates its secret.
func rotateOne(p *config.Project, name string, log *slog.Logger) error {
	ctx := context.Background()
	set := component.Settings{
		ID: "connection/" + name, Logger: log.With("connection", name), Metrics: prometheus.NewRegistry(),
		Clock: component.WallClock{}, Dir: p.Dir,
	}
	c, err := spapi.NewConnectionFactory().CreateConnection(ctx, set, p.Connections[name].Config)
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return err
	}
	defer func() { _ = c.Shutdown(ctx) }()
	wait := 10 * time.Minute
	if w := p.Connections[name].Config.(*spapi.ConnectionConfig).Credentials.Rotation.Wait.D(); w > 0 {
		wait = w
	}
	ctx, cancel := context.WithTimeout(ctx, wait+time.Minute)
	defer cancel()
	return c.(*spapi.Connection).RotateSecret(ctx)
}
