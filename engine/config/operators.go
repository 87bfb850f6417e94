package config

import (
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// ConsoleOptions configures the operator console (server.console; see
// docs/console.md).
type ConsoleOptions struct {
	// Enabled serves the console under /console/ (nil: true).
	Enabled *bool `yaml:"enabled"`
	// Session is how long a browser stays logged in with the admin token
	// (default DefaultConsoleSession).
	Session component.Duration `yaml:"session"`
}

// DefaultConsoleSession is how long a console login lasts by default.
const DefaultConsoleSession = 12 * time.Hour

// On reports whether the console is served.
func (c ConsoleOptions) On() bool { return c.Enabled == nil || *c.Enabled }

// SessionTTL is the session lifetime, the default filled in.
func (c ConsoleOptions) SessionTTL() time.Duration {
	if c.Session > 0 {
		return c.Session.D()
	}
	return DefaultConsoleSession
}

// LoopbackTrusted reports whether loopback clients may use the API and the
// console without the admin token (server.trust_loopback, default true).
func (s Server) LoopbackTrusted() bool { return s.TrustLoopback == nil || *s.TrustLoopback }

// ActivityOptions configures the activity record kept per business key
// (the project's activity:).
type ActivityOptions struct {
	// Retention is how long what happened to a business key is kept
	// (default DefaultActivityRetention; 0 turns the record off).
	Retention *component.Duration `yaml:"retention"`
}

// DefaultActivityRetention is how long activity is kept by default.
const DefaultActivityRetention = 7 * 24 * time.Hour

// Keep is the retention, the default filled in; 0 means no record.
func (a ActivityOptions) Keep() time.Duration {
	if a.Retention == nil {
		return DefaultActivityRetention
	}
	return a.Retention.D()
}

// ActivityKey is one business key a pipeline files its activity under.
type ActivityKey struct {
	// Name says what the key is (order, sku, settlement, shipment).
	Name string
	// Expr is CEL over the source message (msg, meta): a string, a number
	// or a list of them.
	Expr *expr.Program
}

// Alerts configures the notifier told when a flow's open dead letters
// cross a threshold or a connection stays degraded (the project's alerts:).
type Alerts struct {
	Webhook *WebhookAlert `yaml:"webhook"`
	Email   *EmailAlert   `yaml:"email"`
	// DeadLetters is the open dead letters per pipeline at which an alert
	// fires; Pipelines overrides it per pipeline (0 in either: no alert).
	DeadLetters struct {
		Threshold int            `yaml:"threshold"`
		Pipelines map[string]int `yaml:"pipelines"`
	} `yaml:"dead_letters"`
	// Connections alerts when a connection has not been up for DegradedFor.
	Connections struct {
		DegradedFor component.Duration `yaml:"degraded_for"`
	} `yaml:"connections"`
	// MinInterval is the least time between two alerts about one flow or
	// connection (recoveries are always told).
	MinInterval component.Duration `yaml:"min_interval"`
	// CheckEvery is how often the conditions are checked.
	CheckEvery component.Duration `yaml:"check_every"`
	// ConsoleURL is the console's address for the links in alerts.
	ConsoleURL string `yaml:"console_url"`
}

// Alert defaults.
const (
	DefaultAlertMinInterval = 30 * time.Minute
	DefaultAlertCheckEvery  = 30 * time.Second
	DefaultDegradedFor      = 10 * time.Minute
)

// Configured reports whether any notifier is set.
func (a Alerts) Configured() bool { return a.Webhook != nil || a.Email != nil }

// WebhookAlert posts alerts as JSON {"text": ...} (Slack and Teams
// incoming webhooks accept it).
type WebhookAlert struct {
	URL string `yaml:"url"`
}

// EmailAlert sends alerts by SMTP.
type EmailAlert struct {
	// SMTP is the server as host:port; STARTTLS is used when it offers it.
	SMTP     string   `yaml:"smtp"`
	From     string   `yaml:"from"`
	To       []string `yaml:"to"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
}
