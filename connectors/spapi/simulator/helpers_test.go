package simulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// epoch is where simulated time starts in tests.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// sim is a simulator under test on a manual clock, served by httptest,
// with a client that validates every SP-API response against the models
// (see contract_test.go).
type sim struct {
	t     testing.TB
	srv   *simulator.Server
	clock *componenttest.ManualClock
	base  string
	token string
	// contract validates every SP-API response and records coverage.
	contract *contractRecorder
	// client makes the calls (http.DefaultClient unless a test says so).
	client *http.Client
}

// newSim starts a simulator with no generator and no settlements unless
// the options say otherwise.
func newSim(t testing.TB, opts ...func(*simulator.Config)) *sim {
	t.Helper()
	clock := componenttest.NewManualClock(epoch)
	cfg := simulator.DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.Clock = clock
	cfg.OrdersPerHour = 0
	cfg.SettlementPeriod = 0
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := simulator.New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	s := &sim{t: t, srv: srv, clock: clock, base: hs.URL, contract: newContractRecorder(srv), client: http.DefaultClient}
	s.token = s.login()
	return s
}

// advance moves simulated time, lets the world catch up and gets a fresh
// access token, as a client renewing it before expiry would.
func (s *sim) advance(d time.Duration) {
	s.clock.Advance(d)
	s.srv.Sync()
	s.token = s.login()
}

// lwa posts a form to the token endpoint.
func (s *sim) lwa(form url.Values) (int, map[string]any) {
	s.t.Helper()
	resp, err := http.PostForm(s.base+"/auth/o2/token", form)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(s.t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func demoForm(grant string) url.Values {
	return url.Values{"grant_type": {grant}, "client_id": {simulator.DemoClientID}, "client_secret": {simulator.DemoClientSecret}}
}

// login gets a seller access token with the refresh_token grant.
func (s *sim) login() string {
	form := demoForm("refresh_token")
	form.Set("refresh_token", simulator.DemoRefreshToken)
	status, body := s.lwa(form)
	require.Equal(s.t, http.StatusOK, status, body)
	return body["access_token"].(string)
}

// grantless gets an application token with the client_credentials grant.
func (s *sim) grantless() string {
	form := demoForm("client_credentials")
	form.Set("scope", "sellingpartnerapi::notifications")
	status, body := s.lwa(form)
	require.Equal(s.t, http.StatusOK, status, body)
	return body["access_token"].(string)
}

// reply is an SP-API response.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body.
func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), string(r.body))
	return v
}

// call makes an SP-API call with the seller token; body is JSON-encoded
// unless it is nil or already []byte.
func (s *sim) call(method, path string, body any) reply {
	return s.callAs(s.token, method, path, body)
}

func (s *sim) callAs(token, method, path string, body any) reply {
	s.t.Helper()
	r, err := s.raw(token, method, path, body)
	require.NoError(s.t, err)
	s.contract.check(s.t, method, path, r)
	return r
}

// raw makes a call without checking the response against the model (for
// injected faults, which break it on purpose).
func (s *sim) raw(token, method, path string, body any) (reply, error) {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(s.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	require.NoError(s.t, err)
	req.Header.Set("x-amz-access-token", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: data}, err
}

func (s *sim) get(path string) reply { return s.call(http.MethodGet, path, nil) }

// errorCode returns the first error's code of an Amazon error body.
func errorCode(t testing.TB, r reply) string {
	t.Helper()
	errs, _ := r.json(t)["errors"].([]any)
	require.NotEmpty(t, errs, string(r.body))
	return errs[0].(map[string]any)["code"].(string)
}
