package simulator

import (
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionType is the type name of the simulator as a project component.
const ConnectionType component.Type = "spapi.simulator"

// ConnectionConfig is the options of an spapi.simulator connection: the
// simulator run inside the engine, on the engine's clock, for demos. An
// spapi connection uses it like Amazon, through its endpoint and
// lwa_endpoint (http://LISTEN and http://LISTEN/auth/o2/token) and
// credentials the simulator accepts.
type ConnectionConfig struct {
	// Enabled starts the simulator (default true); false leaves it off, as
	// in production.
	Enabled bool `yaml:"enabled"`
	// Listen is the simulator's address (default 127.0.0.1:8790, the
	// address `pipewright sandbox` uses; port 0: a free one).
	Listen string `yaml:"listen"`
	// Seed seeds the order generator.
	Seed int64 `yaml:"seed"`
	// OrdersPerHour is the generator's rate in engine time (0: off).
	OrdersPerHour float64 `yaml:"orders_per_hour"`
	// History is simulated time already run at start (a backlog).
	History component.Duration `yaml:"history"`
	// EnforceRateLimits answers 429 beyond Amazon's rate limits.
	EnforceRateLimits bool `yaml:"enforce_rate_limits"`
	// SettlementPeriod is the settlement report period in engine time.
	SettlementPeriod component.Duration `yaml:"settlement_period"`
	// SettlementLocaleDE writes EUR settlement reports in the German locale.
	SettlementLocaleDE bool `yaml:"settlement_locale_de"`
	// SellerID is the simulated seller's merchant token.
	SellerID string `yaml:"seller_id"`
	// Marketplaces are the marketplaces the seller sells on (default every
	// marketplace of the demo catalogue).
	Marketplaces []string `yaml:"marketplaces"`
	// Credentials are the LWA credentials the simulator accepts (default
	// the demo credentials).
	Credentials Credentials `yaml:"credentials"`
	// Notify configures the ORDER_CHANGE push.
	Notify NotifyOptions `yaml:"notify"`
	// Faults injects failures.
	Faults FaultOptions `yaml:"faults"`
	// Persist keeps the simulated world in the data directory
	// (spapi-simulator/<connection>.json.gz) across restarts.
	Persist bool `yaml:"persist"`
}

// NotifyOptions configures the simulator's ORDER_CHANGE push.
type NotifyOptions struct {
	// URL receives the notifications ("": no push). A path such as
	// /hooks/amazon/orders is below the engine's public URL.
	URL string `yaml:"url"`
	// Envelope is sqs (the raw notification) or eventbridge.
	Envelope string `yaml:"envelope"`
	// Header carries Token on every push.
	Header string `yaml:"header"`
	// Token is the header's value (a secret).
	Token string `yaml:"token"`
	// HMACSecret signs every push as webhook auth.hmac verifies it (a
	// secret).
	HMACSecret string `yaml:"hmac_secret"`
	// SignatureHeader carries the signature.
	SignatureHeader string `yaml:"signature_header"`
	// TimestampHeader carries the signed wall-clock Unix time.
	TimestampHeader string `yaml:"timestamp_header"`
}

// FaultOptions injects failures into the simulator's answers. Rates are
// fractions of calls (or order lines) between 0 and 1.
type FaultOptions struct {
	// ErrorRate fails calls with a random retryable error.
	ErrorRate float64 `yaml:"error_rate"`
	// ServerErrorRate fails calls with 500 or 503.
	ServerErrorRate float64 `yaml:"server_error_rate"`
	// Latency is added to every call.
	Latency component.Duration `yaml:"latency"`
	// MalformedRate answers successful calls with a truncated body.
	MalformedRate float64 `yaml:"malformed_rate"`
	// StormAfter starts a 429 storm this long after the simulator starts.
	StormAfter component.Duration `yaml:"storm_after"`
	// StormFor is the storm's length (0: no storm).
	StormFor component.Duration `yaml:"storm_for"`
	// UnknownSKURate gives order lines a SKU not in the catalogue.
	UnknownSKURate float64 `yaml:"unknown_sku_rate"`
}

//go:embed connection.schema.json
var connectionSchema []byte

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
	for key, v := range map[string]string{"client_id": c.Credentials.ClientID, "client_secret": c.Credentials.ClientSecret, "refresh_token": c.Credentials.RefreshToken} {
		if v == "" {
			errs = append(errs, component.FieldErrorf("credentials."+key, "must not be empty"))
		}
	}
	return errors.Join(errs...)
}

// config returns the simulator's Config on the engine's clock; notify is
// the resolved notification URL and stateFile the world's file ("": none).
func (c *ConnectionConfig) config(clock component.Clock, notify, stateFile string) Config {
	cfg := DefaultConfig()
	cfg.Listen, cfg.Seed, cfg.Clock = c.Listen, c.Seed, clock
	cfg.OrdersPerHour, cfg.EnforceRateLimits = c.OrdersPerHour, c.EnforceRateLimits
	cfg.History = time.Duration(c.History)
	cfg.SettlementPeriod, cfg.SettlementLocaleDE = time.Duration(c.SettlementPeriod), c.SettlementLocaleDE
	cfg.SellerID, cfg.Marketplaces, cfg.Credentials = c.SellerID, c.Marketplaces, c.Credentials
	n := c.Notify
	cfg.Notify.URL, cfg.Notify.Envelope, cfg.Notify.Header, cfg.Notify.Token = notify, n.Envelope, n.Header, n.Token
	cfg.Notify.HMACSecret, cfg.Notify.SignatureHeader, cfg.Notify.TimestampHeader = n.HMACSecret, n.SignatureHeader, n.TimestampHeader
	f := c.Faults
	cfg.Faults = Faults{
		ErrorRate: f.ErrorRate, ServerErrorRate: f.ServerErrorRate, Latency: time.Duration(f.Latency),
		MalformedRate: f.MalformedRate, StormAfter: time.Duration(f.StormAfter), StormFor: time.Duration(f.StormFor),
		UnknownSKURate: f.UnknownSKURate,
	}
	cfg.StateFile = stateFile
	return cfg
}
