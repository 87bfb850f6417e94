package spapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/internal/lwa"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/sandbox"
	"github.com/pipewright/pipewright/engine/component"
)

var errNoConnection = errors.New("spapi: the component needs a started spapi connection")

// Connection is a started SP-API connection: one client, token cache and
// rate limiter shared by every component that names it. It implements
// component.HealthChecker and component.Lookuper (the queries option).
type Connection struct {
	cfg     *ConnectionConfig
	queries map[string]*lookupQuery
	set     component.Settings
	mu      sync.Mutex
	client  *client.Client
	tokens  *lwa.Source
	sim     *sandbox.Server
	notify  string // the simulator's notification destination, resolved
	seller  string
	markets []string
}

var (
	_ component.ConnectionFactory  = connectionFactory{}
	_ component.HealthChecker      = (*Connection)(nil)
	_ component.Lookuper           = (*Connection)(nil)
	_ component.NotificationSender = (*Connection)(nil)
	_ component.LookupValidator    = (*ConnectionConfig)(nil)
)

type connectionFactory struct{ factory }

// NewConnectionFactory returns the factory of the "spapi" connection.
func NewConnectionFactory() component.ConnectionFactory {
	return connectionFactory{factory{typ: ConnectionType, kind: component.KindConnection, schema: connectionSchema,
		newConfig: func() any { return newConnectionConfig() }}}
}

// CreateConnection returns an unstarted connection; Start builds the client
// (and the simulator when enabled).
func (connectionFactory) CreateConnection(_ context.Context, set component.Settings, cfg any) (component.Connection, error) {
	c, err := configAs[ConnectionConfig](ConnectionType, cfg)
	if err != nil {
		return nil, err
	}
	queries, errs := compileQueries(c.Queries)
	if len(errs) > 0 {
		return nil, fmt.Errorf("spapi connection: %w", errors.Join(errs...))
	}
	return &Connection{cfg: c, set: set, queries: queries}, nil
}

// Start starts the simulator when enabled and builds the client.
func (c *Connection) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg := c.cfg
	endpoint, err := cfg.endpoint()
	if err != nil {
		return err
	}
	lwaEndpoint, creds := cfg.LWAEndpoint, cfg.Credentials
	c.seller, c.markets = cfg.SellerID, cfg.Marketplaces
	if cfg.Simulator.Enabled {
		scfg := cfg.sandboxConfig(c.set.Clock)
		if strings.HasPrefix(scfg.Notify.URL, "/") {
			// Relative: below the engine's public URL, which follows its
			// listen address unless server.public_url sets it.
			scfg.Notify.URL = strings.TrimSuffix(c.set.PublicURL, "/") + scfg.Notify.URL
		}
		c.notify = scfg.Notify.URL
		if cfg.Simulator.Persist {
			scfg.StateFile = filepath.Join(c.set.DataDir, "spapi-simulator", strings.TrimPrefix(c.set.ID, "connection/")+".json.gz")
			scfg.Logger = c.set.Logger
		}
		sim, err := sandbox.New(scfg)
		if err != nil {
			return fmt.Errorf("spapi connection: %w", err)
		}
		if err := sim.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("spapi connection: %w", err)
		}
		c.sim = sim
		endpoint, lwaEndpoint = sim.URL(), sim.URL()+"/auth/o2/token"
		creds = Credentials(scfg.Credentials)
		c.seller = scfg.SellerID
		if len(c.markets) == 0 {
			for _, m := range demo.Marketplaces {
				c.markets = append(c.markets, m.ID)
			}
		}
		c.set.Logger.Info("sp-api simulator started", "url", endpoint)
	}
	httpClient := &http.Client{Timeout: cfg.Timeout.D()}
	ua := client.UserAgent(cfg.App.Name, cfg.App.Version)
	c.tokens = lwa.New(lwa.Config{
		Endpoint: lwaEndpoint, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, RefreshToken: creds.RefreshToken,
		HTTP: httpClient, Clock: c.set.Clock, UserAgent: ua,
	})
	plans, perMarket := cfg.ratePlans()
	c.client = client.New(client.Config{
		Endpoint: endpoint, Tokens: c.tokens, HTTP: httpClient, Clock: c.set.Clock,
		Limiter: client.NewLimiter(c.set.Clock), SellerID: c.seller, UserAgent: ua,
		Retry:      httpretry.Policy{MaxAttempts: cfg.Retry.MaxAttempts, Base: cfg.Retry.Backoff.D(), Max: cfg.Retry.MaxBackoff.D()},
		RateLimits: plans, PerMarketplace: perMarket, RestrictedDataTokens: cfg.RestrictedDataTokens,
		Metrics: c.set.Metrics, Logger: c.set.Logger,
	})
	return nil
}

// ratePlans turns the rate-limit overrides into client options.
func (c *ConnectionConfig) ratePlans() (map[string]ratelimit.Plan, map[string]bool) {
	plans, perMarket := map[string]ratelimit.Plan{}, map[string]bool{}
	for name, rl := range c.RateLimits {
		op, err := models.LookupOperation(name)
		if err != nil {
			continue // Validate reported it
		}
		plans[op.QualifiedName()] = ratelimit.Plan{Rate: rl.Rate, Burst: rl.Burst}
		perMarket[op.QualifiedName()] = rl.PerMarketplace
	}
	return plans, perMarket
}

// Shutdown stops the simulator, if any. It is safe without Start.
func (c *Connection) Shutdown(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sim != nil {
		err := c.sim.Close()
		c.sim = nil
		return err
	}
	return nil
}

// Check reports whether SP-API can be used: it obtains an LWA access token
// (cheap while the cached one is fresh), which proves the endpoint is
// reachable and the credentials are accepted.
func (c *Connection) Check(ctx context.Context) error {
	c.mu.Lock()
	tokens := c.tokens
	c.mu.Unlock()
	if tokens == nil {
		return errors.New("spapi connection not started")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := tokens.Token(ctx, ""); err != nil {
		return fmt.Errorf("spapi: %w", err)
	}
	return nil
}

// NotificationURLs returns where the simulator pushes notifications, so the
// engine can check that they reach it (none without the simulator).
func (c *Connection) NotificationURLs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sim == nil || c.notify == "" {
		return nil
	}
	return []string{c.notify}
}

// SellerID returns the seller the connection acts for.
func (c *Connection) SellerID() string { return c.seller }

// Marketplaces returns the connection's default marketplace ids.
func (c *Connection) Marketplaces() []string { return c.markets }

// Simulator returns the in-process simulator, or nil when it is not enabled
// (for demos and tests that inspect it).
func (c *Connection) Simulator() *sandbox.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sim
}

// api returns the connection's client (nil before Start).
func (c *Connection) api() *client.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}
