package spapi

import (
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/sandbox"
	"github.com/pipewright/pipewright/engine/component"
)

// SimulatorConfig runs the SP-API simulator (connectors/spapi/sandbox)
// inside the engine, on the engine's clock, and points the connection's
// endpoint and LWA endpoint at it. The demo uses it.
type SimulatorConfig struct {
	// Enabled starts the simulator and points the connection at it.
	Enabled bool `yaml:"enabled"`
	// Listen is the simulator's address (port 0: a free one).
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
	// Notify configures the ORDER_CHANGE push.
	Notify SimulatorNotify `yaml:"notify"`
	// Faults injects failures.
	Faults SimulatorFaults `yaml:"faults"`
}

// SimulatorNotify configures the simulator's ORDER_CHANGE push.
type SimulatorNotify struct {
	// URL receives the notifications ("": no push).
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

// SimulatorFaults injects failures into the simulator's answers. Rates are
// fractions of calls (or order lines) between 0 and 1.
type SimulatorFaults struct {
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

func defaultSimulatorConfig() SimulatorConfig {
	d := sandbox.DefaultConfig()
	return SimulatorConfig{
		Listen: "127.0.0.1:0", Seed: d.Seed, OrdersPerHour: d.OrdersPerHour, EnforceRateLimits: true,
		SettlementPeriod: component.Duration(d.SettlementPeriod),
		Notify:           SimulatorNotify{Envelope: d.Notify.Envelope, SignatureHeader: d.Notify.SignatureHeader, TimestampHeader: d.Notify.TimestampHeader},
	}
}

func fraction(desc string) jsonSchema {
	return jsonSchema{"type": "number", "minimum": 0, "maximum": 1, "description": desc}
}

func simulatorSchema() jsonSchema {
	return object("In-process SP-API simulator for demos and tests: when enabled the connection talks to it with its demo credentials.", jsonSchema{
		"enabled":              boolean("Start the simulator and use it instead of Amazon (default false)."),
		"listen":               str("Address the simulator listens on (default 127.0.0.1:0, a free port)."),
		"seed":                 integer("Seed of the order generator (default 1).", 0),
		"orders_per_hour":      jsonSchema{"type": "number", "minimum": 0, "description": "Orders generated per hour of engine time (default 30; 0 turns the generator off)."},
		"history":              duration("Simulated time already run when the simulator starts, so there is a backlog of orders (default 0s)."),
		"enforce_rate_limits":  boolean("Answer 429 beyond Amazon's rate limits (default true)."),
		"settlement_period":    duration("Settlement report period in engine time (default 24h)."),
		"settlement_locale_de": boolean("Write EUR settlement reports in the German locale (default false)."),
		"notify": object("Where the simulator pushes ORDER_CHANGE notifications.", jsonSchema{
			"url":              str("URL receiving the notifications (default: none)."),
			"envelope":         strEnum("sqs (raw notification, default) or eventbridge (event with the notification as detail).", "sqs", "eventbridge"),
			"header":           str("Header carrying token on every push."),
			"token":            secret("Token sent in header (secret)."),
			"hmac_secret":      secret("Secret signing every push with HMAC-SHA256 of \"<unix seconds>.<body>\", as webhook auth.hmac verifies it (secret)."),
			"signature_header": str("Header carrying sha256=<hex signature> (default X-Signature, as webhook auth.hmac)."),
			"timestamp_header": str("Header carrying the wall-clock Unix time signed with the body (default X-Timestamp, as webhook auth.hmac)."),
		}),
		"faults": object("Failures the simulator injects.", jsonSchema{
			"error_rate":        fraction("Fraction of calls failing with a random retryable error (default 0)."),
			"server_error_rate": fraction("Fraction of calls failing with 500 or 503 (default 0)."),
			"latency":           duration("Latency added to every call (default 0s)."),
			"malformed_rate":    fraction("Fraction of successful calls answered with a truncated body (default 0)."),
			"storm_after":       duration("Start of a 429 storm, after the simulator starts (default none)."),
			"storm_for":         duration("Length of the 429 storm (default 0s: none)."),
			"unknown_sku_rate":  fraction("Fraction of order lines with a SKU not in the catalogue (default 0)."),
		}),
	})
}

// sandboxConfig returns the simulator configuration for a connection.
func (c *ConnectionConfig) sandboxConfig(clock component.Clock) sandbox.Config {
	s := c.Simulator
	cfg := sandbox.DefaultConfig()
	cfg.Listen, cfg.Seed, cfg.Clock = s.Listen, s.Seed, clock
	cfg.OrdersPerHour, cfg.EnforceRateLimits = s.OrdersPerHour, s.EnforceRateLimits
	cfg.History = time.Duration(s.History)
	cfg.SettlementPeriod, cfg.SettlementLocaleDE = time.Duration(s.SettlementPeriod), s.SettlementLocaleDE
	cfg.Marketplaces = c.Marketplaces
	if c.SellerID != "" {
		cfg.SellerID = c.SellerID
	}
	n := s.Notify
	cfg.Notify.URL, cfg.Notify.Envelope, cfg.Notify.Header, cfg.Notify.Token = n.URL, n.Envelope, n.Header, n.Token
	cfg.Notify.HMACSecret, cfg.Notify.SignatureHeader, cfg.Notify.TimestampHeader = n.HMACSecret, n.SignatureHeader, n.TimestampHeader
	f := s.Faults
	cfg.Faults = sandbox.Faults{
		ErrorRate: f.ErrorRate, ServerErrorRate: f.ServerErrorRate, Latency: time.Duration(f.Latency),
		MalformedRate: f.MalformedRate, StormAfter: time.Duration(f.StormAfter), StormFor: time.Duration(f.StormFor),
		UnknownSKURate: f.UnknownSKURate,
	}
	if c.Credentials != (Credentials{}) {
		cfg.Credentials = sandbox.Credentials(c.Credentials)
	}
	return cfg
}
