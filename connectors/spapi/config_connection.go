package spapi

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionConfig is the options of an "spapi" connection.
//
// SP-API connection.
type ConnectionConfig struct {
	// SP-API region (default na): na (sellingpartnerapi-na), eu or fe.
	Region string `yaml:"region" schema:"enum=na|eu|fe"`
	// Base URL replacing the region's endpoint, e.g. Amazon's sandbox or an
	// SP-API simulator (pipewright sandbox, or an spapi.simulator
	// connection).
	Endpoint string `yaml:"endpoint"`
	// LWA token URL (default https://api.amazon.com/auth/o2/token).
	LWAEndpoint string `yaml:"lwa_endpoint"`
	// LWA credentials (secrets; use ${env:...}).
	Credentials Credentials `yaml:"credentials"`
	// The seller's merchant token (rate-limit buckets, listings and feed
	// headers).
	SellerID string `yaml:"seller_id"`
	// Marketplace ids the components use unless they name their own.
	Marketplaces MarketplaceIDs `yaml:"marketplaces"`
	// Application named in the user agent.
	App AppConfig `yaml:"app"`
	// Bound of one HTTP attempt (default 30s).
	Timeout component.Duration `yaml:"timeout"`
	// Retries of one call on 429, 5xx and timeouts, before the engine
	// retries the message.
	Retry RetryConfig `yaml:"retry"`
	// Usage plans replacing the defaults of Amazon's rate-limit table, by
	// operation name.
	RateLimits map[string]RateLimitConfig `yaml:"rate_limits"`
	// Use restricted data tokens for Orders v0 personal-data operations
	// (default true).
	RestrictedDataTokens bool `yaml:"restricted_data_tokens"`
	// Named lookups for the lookup step: a GET operation called with
	// parameters given literally or from the step's params.
	Queries map[string]QueryConfig `yaml:"queries" keys:"^[A-Za-z_][A-Za-z0-9_-]*$"`
	// Where the notification destinations of this seller live: the AWS
	// access of the SQS queues the components' notifications.sqs read.
	Notifications ConnectionNotifications `yaml:"notifications"`
}

// ConnectionNotifications configures access to notification destinations.
type ConnectionNotifications struct {
	// AWS access for SQS queues (default: the region in the queue URL, AWS's
	// endpoint and the AWS SDK's default credential chain).
	SQS SQSAccess `yaml:"sqs"`
	// EventBridge destination of the types Amazon delivers only there
	// (LISTINGS_ITEM_STATUS_CHANGE, LISTINGS_ITEM_ISSUES_CHANGE, ...), for
	// pipewright spapi subscriptions.
	EventBridge *EventBridgeConfig `yaml:"eventbridge"`
}

// SQSAccess says how to reach SQS.
type SQSAccess struct {
	// AWS region of the queues, e.g. us-east-1 (default: the region in the
	// queue URL).
	Region string `yaml:"region" pattern:"^[a-z]{2}(-[a-z]+)+-[0-9]+$"`
	// SQS endpoint replacing AWS's, e.g. a local SQS-compatible server
	// (empty: AWS's endpoint for the region).
	Endpoint string `yaml:"endpoint"`
	// AWS access key id; with secret_access_key. Empty: the AWS SDK's
	// default chain (AWS_ACCESS_KEY_ID..., shared files, instance role).
	AccessKeyID string `yaml:"access_key_id" schema:"secret"`
	// AWS secret access key. Use ${env:...} or ${file:...}.
	SecretAccessKey string `yaml:"secret_access_key" schema:"secret"`
}

// access returns the sqsrecv form of a.
func (a SQSAccess) access() sqsrecv.Access {
	return sqsrecv.Access{Region: a.Region, Endpoint: a.Endpoint, AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey}
}

// MarketplaceIDs are Amazon marketplace ids, e.g. ATVPDKIKX0DER.
type MarketplaceIDs []string

// JSONSchema declares a list of marketplace ids.
func (MarketplaceIDs) JSONSchema() map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{
		"type": "string", "pattern": `^[A-Z0-9]{9,15}$`, "description": "A marketplace id, e.g. ATVPDKIKX0DER.",
	}}
}

// Credentials are LWA credentials.
type Credentials struct {
	// LWA client id of the application.
	ClientID string `yaml:"client_id" schema:"secret"`
	// LWA client secret of the application.
	ClientSecret string `yaml:"client_secret" schema:"secret"`
	// The seller's refresh token.
	RefreshToken string `yaml:"refresh_token" schema:"secret"`
	// Rotate client_secret on a schedule (optional; client_secret must then
	// read secret_file with ${file:...}).
	Rotation *RotationConfig `yaml:"rotation"`
}

// AppConfig names the application for the user agent.
type AppConfig struct {
	// Application name (default pipewright).
	Name string `yaml:"name"`
	// Application version (default dev).
	Version string `yaml:"version"`
}

// RetryConfig bounds the retries of one call.
type RetryConfig struct {
	// Attempts per call (default 5).
	MaxAttempts int `yaml:"max_attempts" schema:"minimum=1"`
	// First backoff, doubled per attempt with jitter (default 1s).
	Backoff component.Duration `yaml:"backoff"`
	// Longest backoff (default 2m).
	MaxBackoff component.Duration `yaml:"max_backoff"`
}

// RateLimitConfig overrides an operation's usage plan.
//
// A usage plan.
type RateLimitConfig struct {
	// Tokens per second.
	Rate float64 `yaml:"rate" schema:"required,exclusiveMinimum=0"`
	// Bucket size.
	Burst int `yaml:"burst" schema:"required,minimum=1"`
	// One bucket per marketplace (default false).
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
	if r := c.Credentials.Rotation; r != nil {
		errs = append(errs, r.problems()...)
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
	if a := c.Notifications.SQS; (a.AccessKeyID == "") != (a.SecretAccessKey == "") {
		errs = append(errs, component.FieldErrorf("notifications.sqs", "give access_key_id and secret_access_key together, or neither (the AWS default credential chain)"))
	}
	if e := c.Notifications.SQS.Endpoint; e != "" {
		if u, err := url.Parse(e); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, component.FieldErrorf("notifications.sqs.endpoint", "want an http(s) URL"))
		}
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
