package simulator

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// Factories returns the simulator's factory for the binary's registry.
func Factories() []component.Factory { return []component.Factory{NewConnectionFactory()} }

type connectionFactory struct{}

var (
	_ component.ConnectionFactory  = connectionFactory{}
	_ component.NotificationSender = (*Connection)(nil)
)

// NewConnectionFactory returns the factory of the spapi.simulator
// connection.
func NewConnectionFactory() component.ConnectionFactory { return connectionFactory{} }

func (connectionFactory) Type() component.Type { return ConnectionType }
func (connectionFactory) Kind() component.Kind { return component.KindConnection }
func (connectionFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindConnection, ConnectionType)
}
func (connectionFactory) NewConfig() any { return newConnectionConfig() }

// CreateConnection returns an unstarted simulator connection.
func (connectionFactory) CreateConnection(_ context.Context, set component.Settings, cfg any) (component.Connection, error) {
	c, ok := cfg.(*ConnectionConfig)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected config %T", ConnectionType, cfg)
	}
	return &Connection{cfg: c, set: set}, nil
}

// Connection is a started spapi.simulator connection: the simulator
// serving on its listen address until Shutdown. It implements
// component.NotificationSender, so the engine checks that the simulator's
// pushes reach one of its webhooks.
type Connection struct {
	cfg    *ConnectionConfig
	set    component.Settings
	mu     sync.Mutex
	srv    *Server
	notify string
	// typeURLs are the resolved URLs of other notification types.
	typeURLs map[string]string
}

// Start starts the simulator when it is enabled. A relative notify URL is
// resolved below the engine's public URL; with persist the world is kept
// in the data directory.
func (c *Connection) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.cfg.Enabled {
		c.set.Logger.Info("sp-api simulator is off")
		return nil
	}
	notify := c.resolve(c.cfg.Notify.URL)
	types := map[string]string{}
	for typ, u := range c.cfg.Notify.Types {
		types[typ] = c.resolve(u)
	}
	stateFile := ""
	if c.cfg.Persist {
		stateFile = filepath.Join(c.set.DataDir, "spapi-simulator", strings.TrimPrefix(c.set.ID, "connection/")+".json.gz")
	}
	cfg := c.cfg.config(c.set.Clock, notify, c.resolve(c.cfg.Notify.FBAInventoryURL), types, stateFile)
	cfg.Logger = c.set.Logger
	srv, err := New(cfg)
	if err != nil {
		return err
	}
	if err := srv.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	c.srv, c.notify = srv, notify
	c.typeURLs = types
	return nil
}

// resolve makes a notification path a URL below the engine's public URL.
func (c *Connection) resolve(u string) string {
	if strings.HasPrefix(u, "/") {
		return strings.TrimSuffix(c.set.PublicURL, "/") + u
	}
	return u
}

// Shutdown stops the simulator and saves its world (with persist). It is
// safe without Start.
func (c *Connection) Shutdown(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv == nil {
		return nil
	}
	err := c.srv.Close()
	c.srv = nil
	return err
}

// NotificationURLs returns where the running simulator pushes
// notifications (none when it is off or pushes nowhere).
func (c *Connection) NotificationURLs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv == nil {
		return nil
	}
	var urls []string
	if c.notify != "" {
		urls = append(urls, c.notify)
	}
	for _, typ := range sortedKeys(c.typeURLs) {
		urls = append(urls, c.typeURLs[typ])
	}
	return urls
}

// Server returns the running simulator, or nil when it is off or not
// started (for demos and tests that inspect or change its world).
func (c *Connection) Server() *Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srv
}
