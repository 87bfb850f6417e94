package simulator

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
)

// Config configures a simulator. Start from DefaultConfig: its zero value
// turns rate limiting off and leaves the LWA credentials empty.
type Config struct {
	// Listen is the address Start listens on: "127.0.0.1:8790" for the CLI,
	// "127.0.0.1:0" in tests.
	Listen string
	// Seed makes the order generator deterministic: the same seed and the
	// same clock give the same orders.
	Seed int64
	// Clock is the simulator's time. Nil means the wall clock, sped up by
	// TimeScale.
	Clock component.Clock
	// TimeScale runs simulated time this many times faster than real time
	// when Clock is nil (3600: one simulated hour per second). 0 means 1.
	TimeScale float64
	// OrdersPerHour is the order generator's mean rate in simulated time
	// (a Poisson process); 0 turns the generator off.
	OrdersPerHour float64
	// History is how long the world has already run when the simulator
	// starts: orders, status changes and settlements of that past are there
	// at once (a backlog for demos and benchmarks).
	History time.Duration
	// Marketplaces are the marketplace ids the seller sells on; empty means
	// every marketplace of the demo catalogue.
	Marketplaces []string
	// SellerID is the seller's merchant token; empty means demo.SellerID.
	SellerID string
	// Notify configures the ORDER_CHANGE push.
	Notify NotifyConfig
	// EnforceRateLimits answers 429 once a seller exceeds Amazon's rate
	// limit for an operation (DefaultConfig turns it on).
	EnforceRateLimits bool
	// Faults injects failures.
	Faults Faults
	// Credentials are the LWA credentials the token endpoint accepts.
	Credentials Credentials
	// SettlementPeriod is how often settlement reports are generated, in
	// simulated time (Amazon settles every 14 days; DefaultConfig uses one
	// day so demos see reports). 0 turns settlements off.
	SettlementPeriod time.Duration
	// SettlementLocaleDE writes the settlement reports of EUR marketplaces
	// in the German locale (17.01.2017 07:59:59 UTC, decimal commas).
	SettlementLocaleDE bool
	// Logger receives a debug line per SP-API call and a warning per failed
	// notification push (never a token or secret); nil discards.
	Logger *slog.Logger
	// StateFile keeps the world across restarts: New loads it when it
	// exists (the world then goes on where it stopped, and History is not
	// played again), the server saves it every SaveEvery and on Close.
	// Empty: the world starts anew every time.
	StateFile string
	// SaveEvery is how often the world is saved (real time); 0 means 30s.
	SaveEvery time.Duration
}

// NotifyConfig configures how ORDER_CHANGE notifications are pushed. The
// simulator stands in for the SQS queue or EventBridge bus and its consumer:
// it POSTs each notification to URL and redelivers it until the endpoint
// answers 2xx.
type NotifyConfig struct {
	// URL receives the ORDER_CHANGE notifications; empty keeps them only
	// for inspection.
	URL string
	// FBAInventoryURL receives the FBA_INVENTORY_AVAILABILITY_CHANGES
	// notifications; empty keeps them only for inspection.
	FBAInventoryURL string
	// Envelope is "sqs" (the raw notification JSON, as SQS holds it) or
	// "eventbridge" (an EventBridge event with the notification as detail).
	Envelope string
	// Header and Token, when set, are sent as a header on every push.
	Header string
	Token  string
	// HMACSecret, when set, signs every push the way the engine's webhook
	// endpoints verify it: TimestampHeader (default X-Timestamp) carries the
	// Unix time in seconds (wall clock, not simulated time) and
	// SignatureHeader (default X-Signature) carries "sha256=" and the hex
	// HMAC-SHA256 of "<timestamp>.<body>".
	HMACSecret      string
	SignatureHeader string
	TimestampHeader string
	// TypeURLs receive the notifications of other types than ORDER_CHANGE,
	// by type (FULFILLMENT_ORDER_STATUS); a type without one is kept only
	// for inspection, as Amazon sends a type only to the destination
	// subscribed to it.
	TypeURLs map[string]string
	// Redelivery is the simulated time before a failed push is retried,
	// like an SQS visibility timeout. 0 means 30s.
	Redelivery time.Duration
	// SQSEndpoint is where notifications for SQS destinations are sent
	// (SendMessage to <endpoint>/<account>/<queue> of the destination's
	// ARN), e.g. an in-process sqsserver; empty: such notifications are kept
	// only for inspection.
	SQSEndpoint string
	// SQSAccessKeyID and SQSSecretAccessKey sign the SendMessage calls
	// (empty: "simulator", which an in-process SQS server accepts).
	SQSAccessKeyID, SQSSecretAccessKey string
}

// Faults injects failures into SP-API calls (not into LWA or the document
// URLs). Rates are fractions of calls between 0 and 1.
type Faults struct {
	// ErrorRate fails calls with a random retryable error: 429
	// QuotaExceeded, 500, 503 or a dropped connection.
	ErrorRate float64
	// ServerErrorRate fails calls with 500 InternalFailure or 503
	// ServiceUnavailable.
	ServerErrorRate float64
	// Latency is added (in real time) to every call.
	Latency time.Duration
	// MalformedRate answers successful calls with a truncated JSON body.
	MalformedRate float64
	// StormAfter and StormFor set a window of simulated time, measured from
	// the simulator's creation, in which every call is answered 429.
	StormAfter, StormFor time.Duration
	// UnknownSKURate is the fraction of generated order lines whose SKU is
	// not in the catalogue.
	UnknownSKURate float64
}

// Credentials are the LWA application credentials and the seller's refresh
// token the simulator accepts.
type Credentials struct {
	// LWA client id of the application.
	ClientID string `yaml:"client_id" schema:"secret"`
	// LWA client secret of the application.
	ClientSecret string `yaml:"client_secret" schema:"secret"`
	// The seller's refresh token.
	RefreshToken string `yaml:"refresh_token" schema:"secret"`
}

// Envelope names for NotifyConfig.Envelope.
const (
	EnvelopeSQS         = "sqs"
	EnvelopeEventBridge = "eventbridge"
)

// Demo credentials accepted by DefaultConfig.
const (
	DemoClientID     = "amzn1.application-oa2-client.pipewrightdemo"
	DemoClientSecret = "pipewright-demo-client-secret"
	DemoRefreshToken = "Atzr|pipewright-demo-refresh-token"
)

// DefaultConfig returns the configuration of `pipewright sandbox`: the demo
// credentials, every demo marketplace, Amazon's rate limits enforced, 30
// orders per simulated hour, real time, daily settlements.
func DefaultConfig() Config {
	return Config{
		Listen:            "127.0.0.1:8790",
		Seed:              1,
		TimeScale:         1,
		OrdersPerHour:     30,
		SellerID:          demo.SellerID,
		EnforceRateLimits: true,
		Notify: NotifyConfig{
			Envelope:        EnvelopeSQS,
			SignatureHeader: webhook.DefaultSignatureHeader,
			TimestampHeader: webhook.DefaultTimestampHeader,
			Redelivery:      30 * time.Second,
		},
		Credentials:      Credentials{ClientID: DemoClientID, ClientSecret: DemoClientSecret, RefreshToken: DemoRefreshToken},
		SettlementPeriod: 24 * time.Hour,
	}
}

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	if c.TimeScale < 0 {
		errs = append(errs, fmt.Errorf("time scale %v: must not be negative", c.TimeScale))
	}
	if c.OrdersPerHour < 0 {
		errs = append(errs, fmt.Errorf("orders per hour %v: must not be negative", c.OrdersPerHour))
	}
	if c.History < 0 {
		errs = append(errs, fmt.Errorf("history %v: must not be negative", c.History))
	}
	if c.SettlementPeriod < 0 {
		errs = append(errs, fmt.Errorf("settlement period %v: must not be negative", c.SettlementPeriod))
	}
	for _, id := range c.Marketplaces {
		if _, ok := marketplaceByID(id); !ok {
			errs = append(errs, fmt.Errorf("marketplace %q: not in the demo catalogue", id))
		}
	}
	if e := c.Notify.Envelope; e != "" && e != EnvelopeSQS && e != EnvelopeEventBridge {
		errs = append(errs, fmt.Errorf("notify envelope %q: want %q or %q", e, EnvelopeSQS, EnvelopeEventBridge))
	}
	if (c.Notify.Header == "") != (c.Notify.Token == "") {
		errs = append(errs, errors.New("notify header and token: give both or neither"))
	}
	rates := []struct {
		name string
		v    float64
	}{
		{"error rate", c.Faults.ErrorRate}, {"5xx rate", c.Faults.ServerErrorRate},
		{"malformed rate", c.Faults.MalformedRate}, {"unknown SKU rate", c.Faults.UnknownSKURate},
	}
	for _, r := range rates {
		if r.v < 0 || r.v > 1 {
			errs = append(errs, fmt.Errorf("fault %s %v: want a fraction between 0 and 1", r.name, r.v))
		}
	}
	if c.Faults.Latency < 0 || c.Faults.StormAfter < 0 || c.Faults.StormFor < 0 {
		errs = append(errs, errors.New("fault durations must not be negative"))
	}
	return errors.Join(errs...)
}

// marketplaces returns the configured marketplaces in catalogue order.
func (c *Config) marketplaces() []demo.Marketplace {
	var out []demo.Marketplace
	for _, m := range demo.Marketplaces {
		if len(c.Marketplaces) == 0 || slices.Contains(c.Marketplaces, m.ID) {
			out = append(out, m)
		}
	}
	return out
}

// sells reports whether the seller sells on marketplace id.
func (c *Config) sells(id string) bool {
	return slices.ContainsFunc(c.marketplaces(), func(m demo.Marketplace) bool { return m.ID == id })
}

// marketplaceName names a marketplace as Amazon's sales channels do
// ("Amazon.com").
func marketplaceName(id string) string {
	m, _ := marketplaceByID(id)
	return m.Name
}

func marketplaceByID(id string) (demo.Marketplace, bool) {
	for _, m := range demo.Marketplaces {
		if m.ID == id {
			return m, true
		}
	}
	return demo.Marketplace{}, false
}
