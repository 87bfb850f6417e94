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
	Enabled            bool               `yaml:"enabled"`
	Listen             string             `yaml:"listen"`
	Seed               int64              `yaml:"seed"`
	OrdersPerHour      float64            `yaml:"orders_per_hour"`
	History            component.Duration `yaml:"history"`
	EnforceRateLimits  bool               `yaml:"enforce_rate_limits"`
	SettlementPeriod   component.Duration `yaml:"settlement_period"`
	SettlementLocaleDE bool               `yaml:"settlement_locale_de"`
	Notify             SimulatorNotify    `yaml:"notify"`
	Faults             SimulatorFaults    `yaml:"faults"`
}

// SimulatorNotify configures the simulator's ORDER_CHANGE push.
type SimulatorNotify struct {
	URL             string `yaml:"url"`
	Envelope        string `yaml:"envelope"`
	Header          string `yaml:"header"`
	Token           string `yaml:"token"`
	HMACSecret      string `yaml:"hmac_secret"`
	SignatureHeader string `yaml:"signature_header"`
	TimestampHeader string `yaml:"timestamp_header"`
}

// SimulatorFaults injects failures into the simulator's answers.
type SimulatorFaults struct {
	ErrorRate       float64            `yaml:"error_rate"`
	ServerErrorRate float64            `yaml:"server_error_rate"`
	Latency         component.Duration `yaml:"latency"`
	MalformedRate   float64            `yaml:"malformed_rate"`
	StormAfter      component.Duration `yaml:"storm_after"`
	StormFor        component.Duration `yaml:"storm_for"`
	UnknownSKURate  float64            `yaml:"unknown_sku_rate"`
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
			"token":            str("Token sent in header (secret)."),
			"hmac_secret":      str("Secret signing every push with HMAC-SHA256 of \"<unix seconds>.<body>\", as webhook auth.hmac verifies it (secret)."),
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
