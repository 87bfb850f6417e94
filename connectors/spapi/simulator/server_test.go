package simulator_test

import (
	"context"
	"flag"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	)
}

func TestServer_starts_listens_and_closes(t *testing.T) {
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.TimeScale = "127.0.0.1:0", 3600
	srv, err := simulator.New(cfg)
	require.NoError(t, err)
	assert.Empty(t, srv.URL())
	require.NoError(t, srv.Start(context.Background()))
	assert.Error(t, srv.Start(context.Background()), "a second Start fails")

	resp, err := http.PostForm(srv.URL()+"/auth/o2/token", demoForm("refresh_token"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the token endpoint answers (no refresh token given)")

	start := srv.Clock().Now()
	require.Eventually(t, func() bool { return len(srv.Orders()) > 0 }, componenttest.WaitLimit, 5*time.Millisecond,
		"at 3600x, 30 orders an hour arrive every second or so")
	assert.True(t, srv.Clock().Now().After(start))
	require.NoError(t, srv.Close())
	require.NoError(t, srv.Close(), "Close twice is fine")
}

func TestServer_history_starts_with_a_backlog(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) {
		c.OrdersPerHour, c.History, c.SettlementPeriod = 100, 30*time.Hour, 24*time.Hour
	})
	orders := s.srv.Orders()
	require.Greater(t, len(orders), 2000)
	assert.True(t, orders[0].Created.Before(epoch.Add(-29*time.Hour)), "the first orders are from the start of the history")
	assert.False(t, orders[len(orders)-1].Created.After(epoch))
	assert.NotEmpty(t, s.srv.Reports(), "settlements of the past are there")
	r := search(s, url.Values{"createdAfter": {iso(epoch.Add(-31 * time.Hour))}})
	assert.Len(t, orderIDs(t, r), 100, "a backlog fills whole pages")
}

func TestServer_unknown_paths_get_Amazons_error_shape(t *testing.T) {
	s := newSim(t)
	r := s.get("/catalog/2022-04-01/items")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "NotFound", errorCode(t, r))
	assert.NotEmpty(t, r.header.Get("x-amzn-RequestId"))
}

func TestConfig_validate_reports_every_problem(t *testing.T) {
	cfg := simulator.DefaultConfig()
	cfg.TimeScale, cfg.OrdersPerHour, cfg.History = -1, -2, -time.Hour
	cfg.Marketplaces = []string{"XX"}
	cfg.Notify.Envelope, cfg.Notify.Header = "kafka", "X-Token"
	cfg.Faults.ErrorRate, cfg.Faults.Latency = 1.5, -time.Second
	err := cfg.Validate()
	require.Error(t, err)
	for _, want := range []string{"time scale", "orders per hour", "history", `marketplace "XX"`, "envelope", "header and token", "error rate", "durations"} {
		assert.ErrorContains(t, err, want)
	}
	_, err = simulator.New(cfg)
	assert.ErrorContains(t, err, "simulator config")
}

func TestConfig_signs_with_the_engine_webhook_headers_by_default(t *testing.T) {
	cfg := simulator.DefaultConfig()
	assert.Equal(t, "X-Signature", cfg.Notify.SignatureHeader)
	assert.Equal(t, "X-Timestamp", cfg.Notify.TimestampHeader)
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	assert.Equal(t, "X-Signature", fs.Lookup("notify-signature-header").DefValue)
	assert.Equal(t, "X-Timestamp", fs.Lookup("notify-timestamp-header").DefValue)
}

func TestConfig_flags_set_every_option(t *testing.T) {
	cfg := simulator.DefaultConfig()
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	require.NoError(t, fs.Parse([]string{
		"-listen", "0.0.0.0:9000", "-seed", "42", "-history", "6h", "-time-scale", "60", "-orders-per-hour", "120",
		"-marketplaces", "ATVPDKIKX0DER, A1PA6795UKMFR9", "-rate-limits=false", "-settlement-period", "336h", "-settlement-locale-de",
		"-notify-url", "http://127.0.0.1:8080/hooks/amazon", "-notify-envelope", "eventbridge", "-notify-header", "X-Hook-Token",
		"-notify-token", "t", "-notify-hmac-secret", "k", "-notify-redelivery", "1m",
		"-fault-error-rate", "0.1", "-fault-5xx-rate", "0.2", "-fault-latency", "50ms", "-fault-malformed-rate", "0.01",
		"-fault-storm-after", "10m", "-fault-storm-for", "5m", "-fault-unknown-sku-rate", "0.05",
		"-lwa-client-id", "id", "-lwa-client-secret", "secret", "-lwa-refresh-token", "Atzr|x", "-seller-id", "A2SELLER",
	}))
	want := simulator.DefaultConfig()
	want.Listen, want.Seed, want.TimeScale, want.OrdersPerHour, want.History = "0.0.0.0:9000", 42, 60, 120, 6*time.Hour
	want.Marketplaces, want.EnforceRateLimits = []string{"ATVPDKIKX0DER", "A1PA6795UKMFR9"}, false
	want.SettlementPeriod, want.SettlementLocaleDE, want.SellerID = 336*time.Hour, true, "A2SELLER"
	want.Notify = simulator.NotifyConfig{URL: "http://127.0.0.1:8080/hooks/amazon", Envelope: "eventbridge", Header: "X-Hook-Token", Token: "t",
		HMACSecret: "k", SignatureHeader: want.Notify.SignatureHeader, TimestampHeader: want.Notify.TimestampHeader, Redelivery: time.Minute}
	want.Faults = simulator.Faults{ErrorRate: 0.1, ServerErrorRate: 0.2, Latency: 50 * time.Millisecond, MalformedRate: 0.01,
		StormAfter: 10 * time.Minute, StormFor: 5 * time.Minute, UnknownSKURate: 0.05}
	want.Credentials = simulator.Credentials{ClientID: "id", ClientSecret: "secret", RefreshToken: "Atzr|x"}
	assert.Equal(t, want, cfg)
	assert.NoError(t, cfg.Validate())
}
