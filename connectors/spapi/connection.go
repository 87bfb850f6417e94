package spapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/internal/lwa"
	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/connectors/spapi/models"
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
	rotator *rotator // nil without credentials.rotation
	// stopRotation ends the rotation's loops (nil without them). They run
	// on every engine, not under a lease: each engine follows the secret.
	stopRotation func()
	// feedNews holds the seller's FEED_PROCESSING_FINISHED announcements.
	feedNews *announcements
}

var (
	_ component.ConnectionFactory = connectionFactory{}
	_ component.HealthChecker     = (*Connection)(nil)
	_ component.Lookuper          = (*Connection)(nil)
	_ component.LookupValidator   = (*ConnectionConfig)(nil)
)

type connectionFactory struct{ factory }

// NewConnectionFactory returns the factory of the "spapi" connection.
func NewConnectionFactory() component.ConnectionFactory {
	return connectionFactory{factory{typ: ConnectionType, kind: component.KindConnection,
		newConfig: func() any { return newConnectionConfig() }}}
}

// CreateConnection returns an unstarted connection; Start builds the client.
func (connectionFactory) CreateConnection(_ context.Context, set component.Settings, cfg any) (component.Connection, error) {
	c, err := configAs[ConnectionConfig](ConnectionType, cfg)
	if err != nil {
		return nil, err
	}
	queries, errs := compileQueries(c.Queries)
	if len(errs) > 0 {
		return nil, fmt.Errorf("spapi connection: %w", errors.Join(errs...))
	}
	return &Connection{cfg: c, set: set, queries: queries, feedNews: newAnnouncements(set.Shared, c.SellerID)}, nil
}

// Start builds the client on the configured endpoints. It calls nothing:
// Check and the components' first calls reach SP-API. With
// credentials.rotation it starts the client-secret rotation (rotation.go),
// which receives from its queue in the background.
func (c *Connection) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg := c.cfg
	endpoint, err := cfg.endpoint()
	if err != nil {
		return err
	}
	creds := cfg.Credentials
	httpClient := &http.Client{Timeout: cfg.Timeout.D()}
	ua := client.UserAgent(cfg.App.Name, cfg.App.Version)
	c.tokens = lwa.New(lwa.Config{
		Endpoint: cfg.LWAEndpoint, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, RefreshToken: creds.RefreshToken,
		HTTP: httpClient, Clock: c.set.Clock, UserAgent: ua,
	})
	plans, perMarket := cfg.ratePlans()
	c.client = client.New(client.Config{
		Endpoint: endpoint, Tokens: c.tokens, HTTP: httpClient, Clock: c.set.Clock,
		Limiter: client.NewSharedLimiter(c.set.Clock, c.set.Shared, c.set.Logger), SellerID: cfg.SellerID, UserAgent: ua,
		Retry:      httpretry.Policy{MaxAttempts: cfg.Retry.MaxAttempts, Base: cfg.Retry.Backoff.D(), Max: cfg.Retry.MaxBackoff.D()},
		RateLimits: plans, PerMarketplace: perMarket, RestrictedDataTokens: cfg.RestrictedDataTokens,
		Metrics: c.set.Metrics, Logger: c.set.Logger,
	})
	return c.startRotation(ctx)
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

// Shutdown stops the client-secret rotation's loops; the client holds no
// resources beyond idle HTTP connections. It is safe without Start.
func (c *Connection) Shutdown(context.Context) error {
	c.mu.Lock()
	stop := c.stopRotation
	c.stopRotation = nil
	c.mu.Unlock()
	if stop != nil {
		stop()
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

// SellerID returns the seller the connection acts for.
func (c *Connection) SellerID() string { return c.cfg.SellerID }

// Marketplaces returns the connection's default marketplace ids.
func (c *Connection) Marketplaces() []string { return c.cfg.Marketplaces }

// sqsAccess returns the AWS access of the SQS intakes; a nil connection
// (a component that names none) means AWS's defaults.
func (c *Connection) sqsAccess() sqsrecv.Access {
	if c == nil {
		return sqsrecv.Access{}
	}
	return c.cfg.Notifications.SQS.access()
}

// api returns the connection's client (nil before Start).
func (c *Connection) api() *client.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}
