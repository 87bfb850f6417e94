package spapi

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionConfig is the options of an "spapi" connection.
type ConnectionConfig struct {
	// Region selects the SP-API endpoint: na, eu or fe.
	Region string `yaml:"region"`
	// Endpoint overrides the region's endpoint (a base URL).
	Endpoint string `yaml:"endpoint"`
	// LWAEndpoint overrides Amazon's LWA token URL.
	LWAEndpoint string `yaml:"lwa_endpoint"`
	// Credentials are the LWA application credentials and the seller's
	// refresh token. They are secrets: never logged or echoed.
	Credentials Credentials `yaml:"credentials"`
	// SellerID is the seller's merchant token (rate-limit buckets, listings
	// and feed headers).
	SellerID string `yaml:"seller_id"`
	// Marketplaces are the marketplace ids components use by default.
	Marketplaces []string `yaml:"marketplaces"`
	// App names the application in the user agent.
	App AppConfig `yaml:"app"`
	// Timeout bounds one HTTP attempt.
	Timeout component.Duration `yaml:"timeout"`
	// Retry bounds the retries of one call.
	Retry RetryConfig `yaml:"retry"`
	// RateLimits overrides default usage plans, by operation name.
	RateLimits map[string]RateLimitConfig `yaml:"rate_limits"`
	// RestrictedDataTokens makes restricted operations (Orders v0 personal
	// data) use restricted data tokens.
	RestrictedDataTokens bool `yaml:"restricted_data_tokens"`
	// Queries are the named lookups the connection serves to the lookup
	// step.
	Queries map[string]QueryConfig `yaml:"queries"`
}

// Credentials are LWA credentials.
type Credentials struct {
	// ClientID is the LWA client id of the application.
	ClientID string `yaml:"client_id"`
	// ClientSecret is the LWA client secret of the application.
	ClientSecret string `yaml:"client_secret"`
	// RefreshToken is the seller's authorization of the application.
	RefreshToken string `yaml:"refresh_token"`
}

// AppConfig names the application for the user agent.
type AppConfig struct {
	// Name is the application's name (default pipewright).
	Name string `yaml:"name"`
	// Version is the application's version (default dev).
	Version string `yaml:"version"`
}

// RetryConfig bounds the retries of one call.
type RetryConfig struct {
	// MaxAttempts is how often a call is sent at most before the error goes
	// to the engine as retryable.
	MaxAttempts int `yaml:"max_attempts"`
	// Backoff is the first wait; it doubles per attempt up to MaxBackoff.
	Backoff component.Duration `yaml:"backoff"`
	// MaxBackoff is the longest wait between attempts.
	MaxBackoff component.Duration `yaml:"max_backoff"`
}

// RateLimitConfig overrides an operation's usage plan.
type RateLimitConfig struct {
	// Rate is the refill rate in calls per second.
	Rate float64 `yaml:"rate"`
	// Burst is the bucket size: calls that may go at once.
	Burst int `yaml:"burst"`
	// PerMarketplace gives each marketplace its own bucket.
	PerMarketplace bool `yaml:"per_marketplace"`
}

func newConnectionConfig() *ConnectionConfig {
	return &ConnectionConfig{
		Region:               "na",
		App:                  AppConfig{Name: "pipewright", Version: "dev"},
		Timeout:              component.Duration(30 * time.Second),
		Retry:                RetryConfig{MaxAttempts: 5, Backoff: component.Duration(time.Second), MaxBackoff: component.Duration(2 * time.Minute)},
		RestrictedDataTokens: true,
	}
}

func connectionSchema() jsonSchema {
	return object("SP-API connection.", jsonSchema{
		"region":       strEnum("SP-API region (default na): na (sellingpartnerapi-na), eu or fe.", "na", "eu", "fe"),
		"endpoint":     str("Base URL replacing the region's endpoint, e.g. Amazon's sandbox or an SP-API simulator (pipewright sandbox, or an spapi.simulator connection)."),
		"lwa_endpoint": str("LWA token URL (default https://api.amazon.com/auth/o2/token)."),
		"credentials": object("LWA credentials (secrets; use ${env:...}).", jsonSchema{
			"client_id":     secret("LWA client id of the application."),
			"client_secret": secret("LWA client secret of the application."),
			"refresh_token": secret("The seller's refresh token."),
		}),
		"seller_id":    str("The seller's merchant token."),
		"marketplaces": marketplaceList("Marketplace ids the components use unless they name their own."),
		"app": object("Application named in the user agent.", jsonSchema{
			"name":    str("Application name (default pipewright)."),
			"version": str("Application version (default dev)."),
		}),
		"timeout": duration("Bound of one HTTP attempt (default 30s)."),
		"retry": object("Retries of one call on 429, 5xx and timeouts, before the engine retries the message.", jsonSchema{
			"max_attempts": integer("Attempts per call (default 5).", 1),
			"backoff":      duration("First backoff, doubled per attempt with jitter (default 1s)."),
			"max_backoff":  duration("Longest backoff (default 2m)."),
		}),
		"rate_limits": mapOf("Usage plans replacing the defaults of Amazon's rate-limit table, by operation name.", object("A usage plan.", jsonSchema{
			"rate":            number("Tokens per second."),
			"burst":           integer("Bucket size.", 1),
			"per_marketplace": boolean("One bucket per marketplace (default false)."),
		}, "rate", "burst")),
		"restricted_data_tokens": boolean("Use restricted data tokens for Orders v0 personal-data operations (default true)."),
		"queries":                querySchema(),
	})
}

var sellerIDPattern = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)

// Validate checks the options; every problem is reported.
func (c *ConnectionConfig) Validate() error {
	var errs []error
	if _, err := client.RegionEndpoint(c.Region); err != nil && c.Endpoint == "" {
		errs = append(errs, component.FieldErrorf("region", "%v", err))
	}
	for key, v := range map[string]string{"client_id": c.Credentials.ClientID, "client_secret": c.Credentials.ClientSecret, "refresh_token": c.Credentials.RefreshToken} {
		if v == "" {
			errs = append(errs, component.FieldErrorf("credentials."+key, "is required"))
		}
	}
	if c.SellerID == "" {
		errs = append(errs, component.FieldErrorf("seller_id", "is required"))
	}
	if len(c.Marketplaces) == 0 {
		errs = append(errs, component.FieldErrorf("marketplaces", "name at least one marketplace id"))
	}
	if c.SellerID != "" && !sellerIDPattern.MatchString(c.SellerID) {
		errs = append(errs, component.FieldErrorf("seller_id", "%q is not a merchant token (upper-case letters and digits)", c.SellerID))
	}
	for _, name := range slices.Sorted(maps.Keys(c.RateLimits)) {
		if _, err := models.LookupOperation(name); err != nil {
			errs = append(errs, component.FieldErrorf("rate_limits."+name, "%v", err))
		}
	}
	if c.Retry.MaxBackoff < c.Retry.Backoff {
		errs = append(errs, component.FieldErrorf("retry.max_backoff", "is shorter than retry.backoff"))
	}
	_, qerrs := compileQueries(c.Queries)
	errs = append(errs, qerrs...)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// endpoint returns the SP-API base URL the options select.
func (c *ConnectionConfig) endpoint() (string, error) {
	if c.Endpoint != "" {
		return c.Endpoint, nil
	}
	ep, err := client.RegionEndpoint(c.Region)
	if err != nil {
		return "", fmt.Errorf("spapi connection: %w", err)
	}
	return ep, nil
}
