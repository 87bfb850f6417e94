package spapi_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestConfigs_decode(t *testing.T) {
	tests := []struct {
		factory component.Factory
		yaml    string
	}{
		{spapi.NewConnectionFactory(), `
region: eu
credentials: {client_id: a, client_secret: b, refresh_token: c}
seller_id: A1SELLER
marketplaces: [A1PA6795UKMFR9]
rate_limits: {searchOrders: {rate: 0.01, burst: 20}}`},
		{spapi.NewConnectionFactory(), minimalConnection + lookupQueries},
		{spapi.NewOrdersFactory(), `
included_data: [RECIPIENT, PROCEEDS]
poll: {every: 2m, overlap: 5m}
notifications: {path: /hooks/amazon, auth: {header: X-Hook-Token, token: s3cret}}`},
		{spapi.NewNotificationsFactory(), `{path: /hooks/n, auth: {hmac: {secret: s, tolerance: 2m}}, types: [FEED_PROCESSING_FINISHED]}`},
		{spapi.NewOrdersFactory(), `notifications: {sqs: {queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders", wait_time: 10s, visibility_timeout: 5m, max_messages: 5}}`},
		{spapi.NewNotificationsFactory(), `{path: /hooks/n, auth: {token: t}, sqs: {queue_url: "https://sqs.eu-west-1.amazonaws.com/123456789012/n"}}`},
		{spapi.NewConnectionFactory(), minimalConnection + "notifications: {sqs: {region: eu-west-1, endpoint: 'http://127.0.0.1:9324', access_key_id: a, secret_access_key: b}}"},
		{spapi.NewSettlementsFactory(), `{every: 6h, lookback: 720h}`},
		{spapi.NewCallFactory(), `
operation: confirmShipment
path: {orderId: msg.orderId}
body: {marketplaceId: msg.marketplaceId}`},
		{spapi.NewFeedFactory(), `
sku: msg.sku
patches: [{op: "'replace'", path: "'/attributes/fulfillment_availability'", value: "[]"}]
flush: {max_messages: 500, window: 2m}`},
	}
	for _, tt := range tests {
		t.Run(string(tt.factory.Type()), func(t *testing.T) {
			cfg := componenttest.DecodeConfig(t, tt.factory, tt.yaml)
			assert.NotNil(t, cfg)
		})
	}
}

// Problems are reported at their option: by Validate as a FieldError
// path, or by the schema as a JSON pointer (paths starting with /).
func TestConfigs_report_problems_at_their_option(t *testing.T) {
	tests := []struct {
		name    string
		factory component.Factory
		yaml    string
		path    string
		want    string
	}{
		{"unknown operation", spapi.NewCallFactory(), `operation: confirmShipments`, "operation", `did you mean "confirmShipment"`},
		{"ambiguous operation", spapi.NewCallFactory(), `{operation: getOrder, path: {orderId: x}}`, "operation", "orders/2026-01-01/getOrder"},
		{"wrong parameter name", spapi.NewCallFactory(), "{operation: confirmShipment, path: {orderID: msg.id}, body: {}}", "path.orderID", `did you mean "orderId"`},
		{"missing path parameter", spapi.NewCallFactory(), "{operation: confirmShipment, body: {}}", "path", "needs path parameter orderId"},
		{"missing body", spapi.NewCallFactory(), "{operation: confirmShipment, path: {orderId: x}}", "body", "needs a request body"},
		{"done_on a retried status", spapi.NewCallFactory(), "{operation: confirmShipment, path: {orderId: x}, body: {}, done_on: [{status: 400, message: already}, {status: 429, message: x}]}", "done_on.1.status", "429 is not a permanent error status"},
		{"done_on without text", spapi.NewCallFactory(), "{operation: confirmShipment, path: {orderId: x}, body: {}, done_on: [{status: 400, message: ' '}]}", "done_on.0.message", "give the text"},
		{"done_on without message", spapi.NewCallFactory(), "{operation: confirmShipment, path: {orderId: x}, body: {}, done_on: [{status: 400}]}", "/done_on/0", "missing properties: 'message'"},
		{"body where none is taken", spapi.NewCallFactory(), "{operation: searchOrders, query: {createdAfter: x}, body: {}}", "body", "takes no request body"},
		{"bad included data", spapi.NewOrdersFactory(), "included_data: [RECIPIENT, ADRESS]", "included_data.1", `"ADRESS" is not one of`},
		{"webhook replay window too long", spapi.NewOrdersFactory(), "notifications: {path: /hooks/a, auth: {hmac: {secret: k, tolerance: 2h}}}", "notifications.auth.hmac.tolerance", "want between 1s and 1h"},
		{"one header for signature and timestamp", spapi.NewNotificationsFactory(), "{path: /hooks/n, auth: {hmac: {secret: k, signature_header: X-T, timestamp_header: x-t}}}", "auth.hmac.timestamp_header", "must differ"},
		{"webhook body limit too large", spapi.NewNotificationsFactory(), "{path: /hooks/n, auth: {token: t}, max_body: 64MiB}", "max_body", "32MiB"},
		{"webhook without auth", spapi.NewOrdersFactory(), "notifications: {path: /hooks/a, auth: {}}", "/notifications/auth", "missing properties: 'token'"},
		{"webhook without a path", spapi.NewOrdersFactory(), "notifications: {auth: {token: t}}", "/notifications", "missing properties: 'path'"},
		{"rotation queue not a URL", spapi.NewConnectionFactory(), "credentials: {client_id: a, client_secret: b, refresh_token: c, rotation: {queue_url: lwa-secrets, secret_file: s}}\nseller_id: A1SELLER\nmarketplaces: [ATVPDKIKX0DER]", "credentials.rotation.queue_url", "is not an SQS queue URL"},
		{"rotation without its secret file", spapi.NewConnectionFactory(), "credentials: {client_id: a, client_secret: b, refresh_token: c, rotation: {queue_url: 'https://sqs.us-east-1.amazonaws.com/1/q'}}\nseller_id: A1SELLER\nmarketplaces: [ATVPDKIKX0DER]", "/credentials/rotation", "missing properties: 'secret_file'"},
		{"token and hmac", spapi.NewNotificationsFactory(), "{path: /hooks/n, auth: {token: a, hmac: {secret: b}}}", "/auth", "valid against schemas at indexes 0 and 1"},
		{"webhook path outside /hooks", spapi.NewNotificationsFactory(), "{path: /n, auth: {token: a}}", "/path", "does not match pattern"},
		{"hmac without secret", spapi.NewNotificationsFactory(), "{path: /hooks/n, auth: {hmac: {tolerance: 1m}}}", "/auth/hmac", "missing properties: 'secret'"},
		{"FIFO notification queue", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo'}}", "notifications.sqs.queue_url", "orders.fifo is a FIFO queue: Amazon delivers SP-API notifications only to standard queues"},
		{"FIFO queue of spapi.notifications", spapi.NewNotificationsFactory(), "{sqs: {queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/n.fifo'}}", "sqs.queue_url", "FIFO queue"},
		{"queue URL without a queue", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: 'https://sqs.us-east-1.amazonaws.com/'}}", "notifications.sqs.queue_url", "want a queue URL"},
		{"long poll over 20s", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: 'https://sqs.us-east-1.amazonaws.com/1/q', wait_time: 30s}}", "notifications.sqs.wait_time", "between 1s and 20s"},
		{"visibility timeout too short", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: 'https://sqs.us-east-1.amazonaws.com/1/q', visibility_timeout: 1s}}", "notifications.sqs.visibility_timeout", "between 2s and 12h"},
		{"too many messages per receive", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: 'https://sqs.us-east-1.amazonaws.com/1/q', max_messages: 11}}", "/notifications/sqs/max_messages", "must be <= 10"},
		{"an empty queue URL and no path", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: ''}}", "notifications.path", "give a webhook path or sqs.queue_url (which is empty)"},
		{"an AWS key id without its secret", spapi.NewConnectionFactory(), minimalConnection + "notifications: {sqs: {access_key_id: a}}", "notifications.sqs", "together"},
		{"an SQS endpoint that is not a URL", spapi.NewConnectionFactory(), minimalConnection + "notifications: {sqs: {endpoint: localhost}}", "notifications.sqs.endpoint", "http(s) URL"},
		{"unknown rate-limit operation", spapi.NewConnectionFactory(), minimalConnection + "rate_limits: {serchOrders: {rate: 1, burst: 1}}", "rate_limits.serchOrders", "unknown SP-API operation"},
		{"credentials needed", spapi.NewConnectionFactory(), "{seller_id: A1SELLER, marketplaces: [ATVPDKIKX0DER]}", "credentials.client_id", "is required"},
		{"EventBridge account id not 12 digits", spapi.NewConnectionFactory(), minimalConnection + "notifications: {eventbridge: {region: us-east-1, account_id: '1234'}}", "/notifications/eventbridge/account_id", "does not match pattern"},
		{"EventBridge without a region", spapi.NewConnectionFactory(), minimalConnection + "notifications: {eventbridge: {account_id: '123456789012'}}", "/notifications/eventbridge", "missing properties: 'region'"},
		{"lookup of an unknown operation", spapi.NewConnectionFactory(), lookupYAML("{operation: getListingItem}"), "queries.q.operation", `did you mean "getListingsItem"`},
		{"lookup that changes data", spapi.NewConnectionFactory(), lookupYAML("{operation: patchListingsItem}"), "queries.q.operation", "PATCH operation: lookups only read"},
		{"lookup parameter unknown", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: "@seller_id", sku: "@sku", marketplaceIds: X, includeData: offers}}`), "queries.q.params.includeData", `did you mean "includedData"`},
		{"lookup parameter missing", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: "@seller_id", sku: "@sku"}}`), "queries.q.params", "needs query parameter marketplaceIds"},
		{"lookup literal not in the enum", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: "@seller_id", sku: "@sku", marketplaceIds: X, includedData: "summaries, offer"}}`), "queries.q.params.includedData", `"offer" is not one of`},
		{"lookup reference malformed", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: "@seller-id", sku: "@sku", marketplaceIds: X}}`), "queries.q.params.sellerId", "not a parameter reference"},
		{"lookup path parameter given twice", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: "@seller_id", sku: ["@a", "@b"], marketplaceIds: X}}`), "queries.q.params.sku", "takes one value, got 2"},
		{"lookup result not a pointer", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: "@seller_id", sku: "@sku", marketplaceIds: X}, result: summaries}`), "/queries/q/result", "does not match pattern"},
		{"lookup parameter a map", spapi.NewConnectionFactory(), lookupYAML(`{operation: getListingsItem, params: {sellerId: {a: 1}, sku: "@sku", marketplaceIds: X}}`), "/queries/q/params/sellerId", "but got object"},
		{"lookup name with a dot", spapi.NewConnectionFactory(), minimalConnection + "queries: {a.b: {operation: getListingsItem}}", "/queries/a.b", "does not match pattern"},
		{"lookback beyond retention", spapi.NewSettlementsFactory(), "lookback: 3000h", "lookback", "90 days"},
		{"too many feed messages", spapi.NewFeedFactory(), "{sku: msg.sku, patches: [], flush: {max_messages: 30000}}", "flush.max_messages", "25000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(tt.factory, tt.yaml)
			require.Error(t, err)
			if strings.HasPrefix(tt.path, "/") {
				assert.Contains(t, err.Error(), "'"+tt.path+"'")
				assert.Contains(t, err.Error(), tt.want)
				return
			}
			var fe *component.FieldError
			found := false
			for _, e := range flatten(err) {
				if errors.As(e, &fe) && fe.Path == tt.path {
					found = true
					assert.Contains(t, fe.Error(), tt.want)
				}
			}
			assert.True(t, found, "no problem at %s in: %v", tt.path, err)
		})
	}
}

// minimalConnection is the options every spapi connection needs.
const minimalConnection = "credentials: {client_id: a, client_secret: b, refresh_token: c}\nseller_id: A1SELLER\nmarketplaces: [ATVPDKIKX0DER]\n"

// lookupYAML is a connection with query q.
func lookupYAML(q string) string {
	return minimalConnection + "queries: {q: " + q + "}"
}

// The defaults of the shared webhook options apply to the intakes.
func TestConfigs_webhook_defaults(t *testing.T) {
	cfg := componenttest.DecodeConfig(t, spapi.NewOrdersFactory(), "notifications: {path: /hooks/a, auth: {hmac: {secret: k}}}").(*spapi.OrdersConfig)
	hmac := cfg.Notifications.Auth.HMAC
	assert.Equal(t, webhook.DefaultMaxBody, cfg.Notifications.BodyLimit())
	assert.Equal(t, []string{"X-Signature", "X-Timestamp"}, cfg.Notifications.AuthHeaders())
	assert.Equal(t, 5*time.Minute, hmac.Window())
	n := componenttest.DecodeConfig(t, spapi.NewNotificationsFactory(), "{path: /hooks/n, auth: {token: t}}").(*spapi.NotificationsConfig)
	assert.Equal(t, "X-Hook-Token", n.Auth.TokenHeader())
}

// flatten unwraps joined errors.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
