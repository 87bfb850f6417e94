package simulator

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"

	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionType is the type name of the simulator as a project component.
const ConnectionType component.Type = "spapi.simulator"

// ConnectionConfig is the options of an spapi.simulator connection: the
// simulator run inside the engine, on the engine's clock, for demos.
//
// DEMO: the SP-API simulator run inside the engine on the engine's clock:
// Amazon's Orders, Feeds, Reports, Listings, FBA Inventory, Fulfillment Outbound, Tokens and
// Notifications with their rate limits and error shapes, generating orders
// and settlements. Point an spapi connection at it with endpoint
// http://LISTEN and lwa_endpoint http://LISTEN/auth/o2/token and the
// credentials it accepts. No component names it.
type ConnectionConfig struct {
	// Run the simulator (default true); false leaves it off, as in
	// production.
	Enabled bool `yaml:"enabled"`
	// Address the simulator listens on (default 127.0.0.1:8790, as
	// pipewright sandbox; port 0: a free one).
	Listen string `yaml:"listen"`
	// Seed of the order generator (default 1).
	Seed int64 `yaml:"seed" schema:"minimum=0"`
	// Orders generated per hour of engine time (default 30; 0 turns the
	// generator off).
	OrdersPerHour float64 `yaml:"orders_per_hour" schema:"minimum=0"`
	// Simulated time already run when the simulator starts, so there is a
	// backlog of orders (default 0s).
	History component.Duration `yaml:"history"`
	// Answer 429 beyond Amazon's rate limits (default true).
	EnforceRateLimits bool `yaml:"enforce_rate_limits"`
	// Settlement report period in engine time (default 24h; 0s: no
	// settlements).
	SettlementPeriod component.Duration `yaml:"settlement_period"`
	// Write EUR settlement reports in the German locale (default false).
	SettlementLocaleDE bool `yaml:"settlement_locale_de"`
	// The simulated seller's merchant token (default A1DEMOSELLER00).
	SellerID string `yaml:"seller_id" pattern:"^[A-Z0-9]{5,20}$"`
	// Marketplace ids the seller sells on, of the demo catalogue (default
	// all: ATVPDKIKX0DER, A2EUQ1WTGCTBG2, A1F83G8C2ARO7P, A1PA6795UKMFR9).
	Marketplaces []string `yaml:"marketplaces" pattern:"^[A-Z0-9]{9,15}$"`
	// LWA credentials the simulator's token endpoint accepts (secrets;
	// default the demo credentials).
	Credentials Credentials `yaml:"credentials"`
	// Where the simulator pushes notifications.
	Notify NotifyOptions `yaml:"notify"`
	// Failures the simulator injects.
	Faults FaultOptions `yaml:"faults"`
	// Keep the simulated world (orders, listings, feeds, reports,
	// notifications still to push) in the data directory,
	// spapi-simulator/<connection>.json.gz, so a restart goes on where it
	// stopped (default true).
	Persist bool `yaml:"persist"`
}

// NotifyOptions configures the simulator's notification pushes.
type NotifyOptions struct {
	// URL receiving the notifications (default: none). A path such as
	// /hooks/amazon/orders is below the engine's public URL
	// (server.public_url, else derived from the listen address).
	URL string `yaml:"url"`
	// URL receiving FBA_INVENTORY_AVAILABILITY_CHANGES notifications
	// (default: none); a path is below the engine's public URL too.
	FBAInventoryURL string `yaml:"fba_inventory_url"`
	// URLs receiving the notifications of other types, by type, e.g.
	// FULFILLMENT_ORDER_STATUS: /hooks/amazon/mcf (paths as url; a type
	// not listed is not pushed).
	Types map[string]string `yaml:"types"`
	// sqs (raw notification, default) or eventbridge (event with the
	// notification as detail).
	Envelope string `yaml:"envelope" schema:"enum=sqs|eventbridge"`
	// Header carrying token on every push.
	Header string `yaml:"header"`
	// Token sent in header (secret).
	Token string `yaml:"token" schema:"secret"`
	// Secret signing every push with HMAC-SHA256 of "<unix seconds>.<body>",
	// as webhook auth.hmac verifies it (secret).
	HMACSecret string `yaml:"hmac_secret" schema:"secret"`
	// Header carrying sha256=<hex signature> (default X-Signature, as
	// webhook auth.hmac).
	SignatureHeader string `yaml:"signature_header"`
	// Header carrying the wall-clock Unix time signed with the body (default
	// X-Timestamp, as webhook auth.hmac).
	TimestampHeader string `yaml:"timestamp_header"`
	// SQS endpoint receiving the notifications of types subscribed to an
	// SQS destination (SendMessage to the queue its ARN names), e.g. an
	// SQS-compatible server; empty: they are not delivered.
	SQSEndpoint string `yaml:"sqs_endpoint"`
	// AWS access key id signing the SendMessage calls (default simulator).
	SQSAccessKeyID string `yaml:"sqs_access_key_id" schema:"secret"`
	// AWS secret access key signing the SendMessage calls (default
	// simulator).
	SQSSecretAccessKey string `yaml:"sqs_secret_access_key" schema:"secret"`
}

// FaultOptions injects failures into the simulator's answers. Rates are
// fractions of calls (or order lines) between 0 and 1.
type FaultOptions struct {
	// Fraction of calls failing with a random retryable error (default 0).
	ErrorRate float64 `yaml:"error_rate" schema:"minimum=0,maximum=1"`
	// Fraction of calls failing with 500 or 503 (default 0).
	ServerErrorRate float64 `yaml:"server_error_rate" schema:"minimum=0,maximum=1"`
	// Latency added to every call (default 0s).
	Latency component.Duration `yaml:"latency"`
	// Fraction of successful calls answered with a truncated body (default
	// 0).
	MalformedRate float64 `yaml:"malformed_rate" schema:"minimum=0,maximum=1"`
	// Start of a 429 storm, after the simulator starts (default none).
	StormAfter component.Duration `yaml:"storm_after"`
	// Length of the 429 storm (default 0s: none).
	StormFor component.Duration `yaml:"storm_for"`
	// Fraction of order lines with a SKU not in the catalogue (default 0).
	UnknownSKURate float64 `yaml:"unknown_sku_rate" schema:"minimum=0,maximum=1"`
}

func newConnectionConfig() *ConnectionConfig {
	d := DefaultConfig()
	return &ConnectionConfig{
		Enabled: true, Listen: d.Listen, Seed: d.Seed, OrdersPerHour: d.OrdersPerHour, EnforceRateLimits: d.EnforceRateLimits,
		SettlementPeriod: component.Duration(d.SettlementPeriod), SellerID: d.SellerID, Credentials: d.Credentials, Persist: true,
		Notify: NotifyOptions{Envelope: d.Notify.Envelope, SignatureHeader: d.Notify.SignatureHeader, TimestampHeader: d.Notify.TimestampHeader},
	}
}

// Validate checks what the schema cannot; every problem is reported.
func (c *ConnectionConfig) Validate() error {
	var errs []error
	for i, id := range c.Marketplaces {
		if _, ok := marketplaceByID(id); !ok {
			errs = append(errs, component.FieldErrorf(fmt.Sprintf("marketplaces.%d", i), "%q is not a marketplace of the demo catalogue", id))
		}
	}
	if (c.Notify.Header == "") != (c.Notify.Token == "") {
		errs = append(errs, component.FieldErrorf("notify", "give header and token together, or neither"))
	}
	for _, typ := range sortedKeys(c.Notify.Types) {
		if typ == models.OrderChange || !slices.Contains(models.NotificationTypes(), typ) {
			errs = append(errs, component.FieldErrorf("notify.types."+typ, "want a notification type other than ORDER_CHANGE (its URL is url), one of %s",
				strings.Join(slices.DeleteFunc(models.NotificationTypes(), func(t string) bool { return t == models.OrderChange }), ", ")))
		}
	}
	for key, v := range map[string]string{"client_id": c.Credentials.ClientID, "client_secret": c.Credentials.ClientSecret, "refresh_token": c.Credentials.RefreshToken} {
		if v == "" {
			errs = append(errs, component.FieldErrorf("credentials."+key, "must not be empty"))
		}
	}
	return errors.Join(errs...)
}

// config returns the simulator's Config on the engine's clock; notify is
// the resolved notification URL, fbaNotify the resolved FBA inventory URL,
// types the resolved URLs by type and stateFile the world's file ("": none).
func (c *ConnectionConfig) config(clock component.Clock, notify, fbaNotify string, types map[string]string, stateFile string) Config {
	cfg := DefaultConfig()
	cfg.Listen, cfg.Seed, cfg.Clock = c.Listen, c.Seed, clock
	cfg.OrdersPerHour, cfg.EnforceRateLimits = c.OrdersPerHour, c.EnforceRateLimits
	cfg.History = time.Duration(c.History)
	cfg.SettlementPeriod, cfg.SettlementLocaleDE = time.Duration(c.SettlementPeriod), c.SettlementLocaleDE
	cfg.SellerID, cfg.Marketplaces, cfg.Credentials = c.SellerID, c.Marketplaces, c.Credentials
	n := c.Notify
	cfg.Notify.URL, cfg.Notify.Envelope, cfg.Notify.Header, cfg.Notify.Token = notify, n.Envelope, n.Header, n.Token
	cfg.Notify.FBAInventoryURL = fbaNotify
	cfg.Notify.TypeURLs = types
	cfg.Notify.HMACSecret, cfg.Notify.SignatureHeader, cfg.Notify.TimestampHeader = n.HMACSecret, n.SignatureHeader, n.TimestampHeader
	cfg.Notify.SQSEndpoint = n.SQSEndpoint
	if n.SQSAccessKeyID != "" {
		cfg.Notify.SQSAccessKeyID, cfg.Notify.SQSSecretAccessKey = n.SQSAccessKeyID, n.SQSSecretAccessKey
	}
	f := c.Faults
	cfg.Faults = Faults{
		ErrorRate: f.ErrorRate, ServerErrorRate: f.ServerErrorRate, Latency: time.Duration(f.Latency),
		MalformedRate: f.MalformedRate, StormAfter: time.Duration(f.StormAfter), StormFor: time.Duration(f.StormFor),
		UnknownSKURate: f.UnknownSKURate,
	}
	cfg.StateFile = stateFile
	return cfg
}
