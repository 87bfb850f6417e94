package simulator_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// startConnection creates and starts an spapi.simulator connection named
// amazon-sim from options on set; the test shuts it down.
func startConnection(t *testing.T, set component.Settings, options string) *simulator.Connection {
	t.Helper()
	f := simulator.NewConnectionFactory()
	c, err := f.CreateConnection(context.Background(), set, componenttest.DecodeConfig(t, f, "listen: 127.0.0.1:0\n"+options))
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Shutdown(context.Background()) })
	return c.(*simulator.Connection)
}

func settings(t *testing.T) component.Settings {
	set := componenttest.NewSettings(t, "connection/amazon-sim")
	set.Clock = componenttest.NewManualClock(epoch)
	return set
}

// tokenStatus asks the simulator's LWA endpoint for a token with creds.
func tokenStatus(t *testing.T, base string, creds simulator.Credentials) int {
	t.Helper()
	resp, err := http.PostForm(base+"/auth/o2/token", url.Values{"grant_type": {"refresh_token"},
		"client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "refresh_token": {creds.RefreshToken}})
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestConnection_serves_Amazon_with_the_configured_credentials(t *testing.T) {
	c := startConnection(t, settings(t), "persist: false\ncredentials: {client_id: app, client_secret: s3cret, refresh_token: Atzr|r}\n")
	srv := c.Server()
	require.NotNil(t, srv)
	assert.Equal(t, http.StatusOK, tokenStatus(t, srv.URL(), simulator.Credentials{ClientID: "app", ClientSecret: "s3cret", RefreshToken: "Atzr|r"}))
	assert.Equal(t, http.StatusBadRequest, tokenStatus(t, srv.URL(), simulator.Credentials{ClientID: simulator.DemoClientID,
		ClientSecret: simulator.DemoClientSecret, RefreshToken: simulator.DemoRefreshToken}), "other credentials are refused")
	assert.Nil(t, c.NotificationURLs(), "it pushes nowhere without notify.url")
}

func TestConnection_disabled_starts_nothing(t *testing.T) {
	c := startConnection(t, settings(t), "enabled: false\n")
	assert.Nil(t, c.Server())
	assert.Nil(t, c.NotificationURLs())
}

func TestConnection_Shutdown_without_Start_is_safe(t *testing.T) {
	f := simulator.NewConnectionFactory()
	c, err := f.CreateConnection(context.Background(), settings(t), f.NewConfig())
	require.NoError(t, err)
	assert.NoError(t, c.Shutdown(context.Background()))
}

func TestConnection_notify_url_may_be_relative_to_the_engine(t *testing.T) {
	cases := []struct{ url, want string }{
		{"/hooks/amazon/orders", "http://127.0.0.1:9999/hooks/amazon/orders"},
		{"https://hooks.example.test/amazon", "https://hooks.example.test/amazon"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			set := settings(t)
			set.PublicURL = "http://127.0.0.1:9999/"
			c := startConnection(t, set, "persist: false\nnotify: {url: \""+tc.url+"\"}\n")
			assert.Equal(t, []string{tc.want}, c.NotificationURLs())
		})
	}
}

func TestConnection_notification_types_have_their_own_urls_below_the_engine(t *testing.T) {
	set := settings(t)
	set.PublicURL = "http://127.0.0.1:9999/"
	c := startConnection(t, set, "persist: false\nnotify: {url: /hooks/amazon/orders, types: {FULFILLMENT_ORDER_STATUS: /hooks/amazon/mcf}}\n")
	assert.Equal(t, []string{"http://127.0.0.1:9999/hooks/amazon/orders", "http://127.0.0.1:9999/hooks/amazon/mcf"}, c.NotificationURLs())
}

// With persist, the world is kept in the data directory under the
// connection's name, and a restarted simulator goes on with it.
func TestConnection_persist_keeps_the_world_in_the_data_directory(t *testing.T) {
	set := settings(t)
	c := startConnection(t, set, "orders_per_hour: 0\nsettlement_period: 0s\n")
	o, err := c.Server().CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByMerchant,
		Items: []simulator.ItemSpec{{SKU: "WB-0001-BK", Quantity: 1}}})
	require.NoError(t, err)
	require.NoError(t, c.Shutdown(context.Background()))
	_, err = os.Stat(filepath.Join(set.DataDir, "spapi-simulator", "amazon-sim.json.gz"))
	require.NoError(t, err)

	again := startConnection(t, set, "orders_per_hour: 0\nsettlement_period: 0s\n")
	_, ok := again.Server().Order(o.ID)
	assert.True(t, ok, "the restarted simulator has the order")
}

func TestConnectionConfig_reports_what_the_schema_cannot(t *testing.T) {
	tests := []struct{ name, yaml, path, want string }{
		{"marketplace outside the catalogue", "marketplaces: [ATVPDKIKX0DER, A1VC38T7YXB528]", "marketplaces.1", "not a marketplace of the demo catalogue"},
		{"header without token", "notify: {url: /hooks/a, header: X-Hook-Token}", "notify", "header and token together"},
		{"empty credential", "credentials: {client_id: ''}", "credentials.client_id", "must not be empty"},
		{"order change by type", "notify: {types: {ORDER_CHANGE: /hooks/b}}", "notify.types.ORDER_CHANGE", "other than ORDER_CHANGE"},
		{"unknown type", "notify: {types: {FULFILMENT_ORDER_STATUS: /hooks/b}}", "notify.types.FULFILMENT_ORDER_STATUS", "FULFILLMENT_ORDER_STATUS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(simulator.NewConnectionFactory(), tc.yaml)
			var fe *component.FieldError
			require.True(t, errors.As(err, &fe), "a field error: %v", err)
			assert.Equal(t, tc.path, fe.Path)
			assert.Contains(t, fe.Error(), tc.want)
		})
	}
}
