package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/config"
)

// rotationDir writes a directory whose spapi connection reads its client
// secret from a file and rotates it through queue, on the simulator at
// base.
func rotationDir(t *testing.T, base, queue string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"lwa-client-secret": simulator.DemoClientSecret + "\n",
		"pipewright.yaml": fmt.Sprintf(`project: rotation
connections:
  amazon:
    type: spapi
    endpoint: %[1]s
    lwa_endpoint: %[1]s/auth/o2/token
    credentials:
      client_id: %[2]s
      client_secret: ${file:lwa-client-secret}
      refresh_token: '%[3]s'
      rotation: { queue_url: '%[4]s', secret_file: lwa-client-secret }
    notifications: { sqs: { access_key_id: test, secret_access_key: test-key } }
    seller_id: A1DEMOSELLER00
    marketplaces: [ATVPDKIKX0DER]
`, base, simulator.DemoClientID, simulator.DemoRefreshToken, queue),
		"p.yaml": "pipeline: p\nsource: { file: { path: in.jsonl } }\nsink: { stdout: {} }\n",
	}
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	return dir
}

func TestSpapiRotateSecret_writes_the_new_secret_and_prints_none(t *testing.T) {
	qs := sqsserver.New(sqsserver.Options{})
	require.NoError(t, qs.Start())
	t.Cleanup(func() { _ = qs.Close() })
	queue, err := qs.CreateQueue("lwa-secrets", nil)
	require.NoError(t, err)
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.OrdersPerHour, cfg.SettlementPeriod = "127.0.0.1:0", 0, 0
	cfg.SecretRotation.QueueURL = queue
	sim, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, sim.Start(context.Background()))
	t.Cleanup(func() { _ = sim.Close() })
	dir := rotationDir(t, sim.URL(), queue)

	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"spapi", "rotate-secret", dir}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	secret, _ := sim.ClientSecret()
	require.NotEqual(t, simulator.DemoClientSecret, secret)
	got, err := os.ReadFile(filepath.Join(dir, "lwa-client-secret"))
	require.NoError(t, err)
	assert.Equal(t, secret+"\n", string(got), stderr.String())
	assert.Equal(t, "connection amazon: rotated the LWA client secret; the new one is in lwa-client-secret\n", stdout.String())
	for _, s := range []string{secret, simulator.DemoClientSecret} {
		assert.NotContains(t, stdout.String()+stderr.String(), s)
	}

	// The directory still loads: client_secret reads the new file.
	stdout.Reset()
	stderr.Reset()
	require.Equal(t, 0, cli.Main([]string{"validate", dir}, &stdout, &stderr), stderr.String())
}

func TestSpapiRotateSecret_refuses_a_directory_without_rotation(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pipewright.yaml"), []byte("project: none\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("pipeline: p\nsource: { file: { path: in.jsonl } }\nsink: { stdout: {} }\n"), 0o600))
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, cli.Main([]string{"spapi", "rotate-secret", dir}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "has no spapi connection with credentials.rotation")
}

// A reload after a rotation sees client_secret's file changed: the
// connection keeps running (same fingerprint) on the secret it already
// switched to; any other change still restarts it.
func TestSpapiRotation_a_rotated_secret_file_does_not_restart_the_connection(t *testing.T) {
	dir := rotationDir(t, "http://127.0.0.1:1", "http://127.0.0.1:1/000000000000/lwa-secrets")
	load := func() string {
		p, err := config.Load(dir, config.Options{Registry: cli.NewRegistry(io.Discard)})
		require.NoError(t, err)
		return p.Connections["amazon"].Fingerprint
	}
	before := load()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lwa-client-secret"), []byte("amzn1.oa2-cs.v1.rotated\n"), 0o600))
	assert.Equal(t, before, load(), "only the rotated secret changed")

	project := filepath.Join(dir, "pipewright.yaml")
	data, err := os.ReadFile(project)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(project, bytes.Replace(data, []byte("A1DEMOSELLER00"), []byte("A2OTHERSELLER0"), 1), 0o600))
	assert.NotEqual(t, before, load(), "another option changed")
}
