package spapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// logBuffer collects every log line of the engines under test, to check
// that no secret reaches a log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rotationEnv is a simulator whose application registered a rotation
// queue on an in-process SQS server, on a manual clock.
type rotationEnv struct {
	clock  *componenttest.ManualClock
	sim    *simulator.Server
	queue  string
	shared component.SharedState // the engines' shared state
	logs   *logBuffer
}

func newRotationEnv(t *testing.T, enrolled bool) *rotationEnv {
	t.Helper()
	qs := sqsserver.New(sqsserver.Options{})
	require.NoError(t, qs.Start())
	t.Cleanup(func() { _ = qs.Close() })
	queue, err := qs.CreateQueue("lwa-secrets", nil)
	require.NoError(t, err)
	clock := componenttest.NewManualClock(epoch)
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.Clock, cfg.OrdersPerHour, cfg.SettlementPeriod, cfg.EnforceRateLimits = "127.0.0.1:0", clock, 0, 0, false
	if enrolled {
		cfg.SecretRotation.QueueURL = queue
	}
	sim, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, sim.Start(context.Background()))
	t.Cleanup(func() { _ = sim.Close() })
	return &rotationEnv{clock: clock, sim: sim, queue: queue, shared: componenttest.NewMemShared(), logs: &logBuffer{}}
}

// engine starts an spapi connection as one engine of the project would:
// its own secret file (holding the demo secret, which client_secret was
// read from), the shared state, the captured logs and its own metrics.
func (e *rotationEnv) engine(t *testing.T, name string) (*spapi.Connection, string, *prometheus.Registry) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "lwa-client-secret")
	require.NoError(t, os.WriteFile(file, []byte(simulator.DemoClientSecret+"\n"), 0o600))
	yaml := fmt.Sprintf(`endpoint: %[1]s
lwa_endpoint: %[1]s/auth/o2/token
credentials:
  client_id: %[2]s
  client_secret: %[3]s
  refresh_token: '%[4]s'
  rotation: {queue_url: '%[5]s', secret_file: lwa-client-secret, check_every: 1m, wait: 10m}
notifications: {sqs: {access_key_id: test, secret_access_key: test-key}}
seller_id: %[6]s
marketplaces: [ATVPDKIKX0DER]
retry: {max_attempts: 3, backoff: 1s, max_backoff: 1s}
rate_limits: {getListingsItem: {rate: 100000, burst: 100000}}
queries:
  listing: {operation: getListingsItem, params: {sellerId: "@seller_id", sku: "@sku", marketplaceIds: ATVPDKIKX0DER}}
`, e.sim.URL(), simulator.DemoClientID, simulator.DemoClientSecret, simulator.DemoRefreshToken, e.queue, demo.SellerID)
	f := spapi.NewConnectionFactory()
	cfg := componenttest.DecodeConfig(t, f, yaml)
	set := componenttest.NewSettings(t, "connection/amazon")
	set.Clock, set.Dir, set.Shared = e.clock, dir, e.shared
	set.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("engine", name)
	reg := prometheus.NewRegistry()
	set.Metrics = reg
	c, err := f.CreateConnection(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Shutdown(context.Background()) })
	return c.(*spapi.Connection), file, reg
}

// lwaStatus exchanges the client credentials with secret at the
// simulator's LWA and returns the status and error code.
func (e *rotationEnv) lwaStatus(t *testing.T, secret string) (int, string) {
	t.Helper()
	resp, err := http.PostForm(e.sim.URL()+"/auth/o2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {simulator.DemoRefreshToken},
		"client_id": {simulator.DemoClientID}, "client_secret": {secret}})
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error
}

// callers keep calling SP-API through conn until stop, counting.
type callers struct {
	ok, failed atomic.Int64
	firstErr   atomic.Value
	stop       chan struct{}
	wg         sync.WaitGroup
}

func startCallers(conn *spapi.Connection, n int) *callers {
	c := &callers{stop: make(chan struct{})}
	sku := demo.Products[0].SellerSKU
	for range n {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			for {
				select {
				case <-c.stop:
					return
				default:
				}
				if _, err := conn.Lookup(context.Background(), "listing", map[string]any{"sku": sku}); err != nil {
					c.failed.Add(1)
					c.firstErr.CompareAndSwap(nil, err.Error())
				} else {
					c.ok.Add(1)
				}
			}
		}()
	}
	return c
}

// pass moves the clock by d in 30-second steps, with calls made in every
// step, so access tokens are renewed as they near their expiry.
func (c *callers) pass(t *testing.T, clock *componenttest.ManualClock, d time.Duration) {
	t.Helper()
	for range int(d / (30 * time.Second)) {
		clock.Advance(30 * time.Second)
		c.more(t, 1)
	}
}

// halt stops the callers and returns the counts. A caller can be waiting
// on the engine clock when asked to stop: on a busy machine it may send a
// token that expired while the test moved the clock on, and the renewed
// call waits for its retry backoff. So the clock moves a second at a time
// until every caller has returned.
func (c *callers) halt(t *testing.T, clock *componenttest.ManualClock) (ok, failed int64) {
	t.Helper()
	close(c.stop)
	componenttest.WaitDriving(t, "the callers to stop", &c.wg, func() { clock.Advance(time.Second) })
	return c.ok.Load(), c.failed.Load()
}

// more waits until n more calls succeeded.
func (c *callers) more(t *testing.T, n int64) {
	t.Helper()
	target := c.ok.Load() + n
	require.Eventually(t, func() bool { return c.ok.Load() >= target }, componenttest.WaitLimit, time.Millisecond)
}

func TestRotation_engines_keep_calling_across_a_rotation_and_the_old_secret_stops_at_its_expiry(t *testing.T) {
	e := newRotationEnv(t, true)
	a, fileA, regA := e.engine(t, "a")
	_, fileB, _ := e.engine(t, "b")
	calls := startCallers(a, 4)
	calls.more(t, 50)

	require.NoError(t, a.RotateSecret(componenttest.Context(t)))
	newSecret, expires := e.sim.ClientSecret()
	require.NotEqual(t, simulator.DemoClientSecret, newSecret)
	got, err := os.ReadFile(fileA)
	require.NoError(t, err)
	assert.Equal(t, newSecret+"\n", string(got), "the rotating engine wrote the new secret")
	st, err := os.Stat(fileA)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// Tokens expire hourly: the next exchanges send the new secret. The
	// other engine follows at its next check.
	calls.pass(t, e.clock, 3*time.Hour)
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(fileB)
		return string(b) == newSecret+"\n"
	}, componenttest.WaitLimit, 10*time.Millisecond, "the other engine wrote the new secret too")

	// The old secret works until the expiry Amazon announced, then not.
	// (The callers pause while days pass at once: a token taken just
	// before such a jump would arrive expired, which a real clock never
	// does.)
	ok, failed := calls.halt(t, e.clock)
	firstErr := calls.firstErr.Load()
	oldExpiry := e.sim.OldClientSecretExpiry()
	e.clock.Advance(oldExpiry.Add(-time.Minute).Sub(e.clock.Now()))
	status, _ := e.lwaStatus(t, simulator.DemoClientSecret)
	assert.Equal(t, http.StatusOK, status, "the old secret still works before its expiry")
	e.clock.Advance(time.Minute)
	status, code := e.lwaStatus(t, simulator.DemoClientSecret)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_client", code)
	calls = startCallers(a, 4) // their tokens are renewed after the old secret's expiry
	calls.pass(t, e.clock, time.Hour)
	ok2, failed2 := calls.halt(t, e.clock)
	assert.Zero(t, failed+failed2, "no call failed; first errors: %v, %v", firstErr, calls.firstErr.Load())
	assert.Greater(t, ok+ok2, int64(300))
	assert.Equal(t, 1, e.sim.Stats().Calls["rotateApplicationClientSecret"], "one engine rotated")

	status2, rotating := a.SecretStatus()
	require.True(t, rotating)
	assert.Equal(t, 1, status2.Generation)
	assert.Equal(t, expires, status2.Expires)
	assert.Equal(t, e.clock.Now().Sub(epoch).Seconds(), gauge(t, regA, "pipewright_lwa_client_secret_age_seconds"))
	assert.Equal(t, float64(expires.Unix()), gauge(t, regA, "pipewright_lwa_client_secret_expiry_timestamp_seconds"))

	assert.Empty(t, a.Warnings())
	logs := e.logs.String()
	assert.Contains(t, logs, "now using the rotated LWA client secret")
	assert.NotContains(t, logs, "invalid_client", "LWA never refused the engines' secret")
	for _, secret := range []string{newSecret, simulator.DemoClientSecret} {
		assert.NotContains(t, logs, secret, "a secret reached the logs")
	}
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func TestRotation_an_expiry_announcement_rotates_once(t *testing.T) {
	e := newRotationEnv(t, true)
	_, file, _ := e.engine(t, "a")
	e.engine(t, "b")
	require.True(t, e.sim.AnnounceSecretExpiry())
	var secret string
	componenttest.WaitFor(t, "the announced rotation in the secret file", func() bool {
		secret, _ = e.sim.ClientSecret()
		got, _ := os.ReadFile(file)
		if secret != simulator.DemoClientSecret && string(got) == secret+"\n" {
			return true
		}
		// A call retried on a busy machine waits on the engine clock
		// (backoff 1s); the rotation's own wait for the secret is 10m.
		e.clock.Advance(100 * time.Millisecond)
		return false
	})
	// Later checks find the announcement answered: no second rotation.
	for range 5 {
		e.clock.Advance(time.Minute)
	}
	e.sim.Sync()
	assert.Equal(t, 1, e.sim.Stats().Calls["rotateApplicationClientSecret"])
	assert.Contains(t, e.logs.String(), "Amazon announced the LWA client secret's expiry")
	assert.NotContains(t, e.logs.String(), secret)
}

// claimRace is shared state in which another engine writes the rotation
// record (a follow, an adopted file) between a rotation's read of it and
// its claim, once.
type claimRace struct {
	component.SharedState
	once sync.Once
}

func (c *claimRace) Set(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	if bytes.Contains(value, []byte(`"claim":`)) {
		c.once.Do(func() {
			cur, rev, err := c.SharedState.Get(ctx, key)
			if err == nil {
				_, _ = c.SharedState.Set(ctx, key, cur, rev)
			}
		})
	}
	return c.SharedState.Set(ctx, key, value, revision)
}

func TestRotation_a_forced_rotation_whose_claim_lost_to_another_write_still_rotates(t *testing.T) {
	e := newRotationEnv(t, true)
	e.shared = &claimRace{SharedState: e.shared}
	a, file, _ := e.engine(t, "a")
	require.NoError(t, a.RotateSecret(componenttest.Context(t)))
	secret, _ := e.sim.ClientSecret()
	require.NotEqual(t, simulator.DemoClientSecret, secret, "Amazon rotated the secret")
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, secret+"\n", string(got), "RotateSecret returned once the new secret was in the file")
	assert.Equal(t, 1, e.sim.Stats().Calls["rotateApplicationClientSecret"])
}

func TestRotation_refused_by_Amazon_is_reported_and_keeps_the_secret(t *testing.T) {
	e := newRotationEnv(t, false) // no queue registered in the developer console
	a, file, reg := e.engine(t, "a")
	err := a.RotateSecret(componenttest.Context(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Application is not enrolled for rotation notification")
	got, rerr := os.ReadFile(file)
	require.NoError(t, rerr)
	assert.Equal(t, simulator.DemoClientSecret+"\n", string(got))
	require.Len(t, a.Warnings(), 1)
	assert.Contains(t, a.Warnings()[0], "The last client-secret rotation failed")
	assert.Equal(t, 1.0, counterValue(t, reg, "pipewright_lwa_client_secret_rotations_total"))
}

func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
