package cli_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
)

// The reference directory pointed at production: the connectors' declared
// secrets are collected (LWA credentials, the DSN's password, the webhook
// and simulator tokens, the admin token), the ordinary values are not (the
// shipments go-live date, paths, the seller and company).
func TestReference_secrets_are_the_declared_options(t *testing.T) {
	env := map[string]string{
		"PIPEWRIGHT_DATA":        "/var/lib/pipewright/sage500-amazon",
		"PIPEWRIGHT_ADMIN_TOKEN": "admin-token-0f3c9a",
		"SAGE_DSN":               "sqlserver://pipewright:Sage-pa55word@sage-db.internal/SAGE500?database=SOA",
		"SPAPI_SIMULATOR":        "false",
		"LWA_CLIENT_ID":          "amzn1.application-oa2-client.0123456789",
		"LWA_CLIENT_SECRET":      "amzn1.oa2-cs.v1.client-secret-value",
		"SPAPI_REFRESH_TOKEN":    "Atzr|refresh-token-value",
		"SPAPI_SELLER_ID":        "A2SELLER00042",
		"HOOK_TOKEN":             "hook-token-7d1e5b",
		"SHIPMENTS_START":        "2026-01-15",
		"DEMO_WAREHOUSE":         "false",
	}
	p, err := config.Load(referenceDir, config.Options{Registry: cli.NewRegistry(io.Discard), LookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"admin-token-0f3c9a", "Sage-pa55word", "amzn1.application-oa2-client.0123456789",
		"amzn1.oa2-cs.v1.client-secret-value", "Atzr|refresh-token-value", "hook-token-7d1e5b",
	}, p.Secrets)
}

// Every other option a connector declares secret.
func TestConnectors_declare_their_secret_options(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": `project: secrets
transport: { url: "nats://engine:nats-pa55word@127.0.0.1:4222" }
connections:
  amazon-simulator:
    type: spapi.simulator
    notify: { url: "http://127.0.0.1:1/hooks/a", hmac_secret: simulator-hmac-secret }
`,
		"a.yaml": `pipeline: a
source: { http.webhook: { path: /hooks/a, auth: { hmac: { secret: webhook-hmac-secret } } } }
sink: { stdout: {} }
`,
		"b.yaml": `pipeline: b
source: { http.webhook: { path: /hooks/b, auth: { header: X-Token, token: webhook-token-value } } }
sink: { stdout: {} }
`,
	})
	p, err := config.Load(dir, config.Options{Registry: cli.NewRegistry(io.Discard), LookupEnv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"nats-pa55word", "simulator-hmac-secret", "webhook-hmac-secret", "webhook-token-value"}, p.Secrets)
}

// secretsDir makes dead letters whose reasons quote ordinary interpolated
// values (a go-live date, a path) and, through env, every kind of secret:
// an LWA client secret and client id (declared by the spapi schema), a DSN
// password (declared by the sage500 schema), ${file:...} values and a
// variable the project file lists under secrets.
var secretsDir = map[string]string{
	"pipewright.yaml": `project: secrets
secrets: [PARTNER_KEY]
server:
  admin_token: ${env:ADMIN_TOKEN}
env:
  START: ${env:SHIPMENTS_START:-2026-01-15}
  OUTBOX: ${env:OUTBOX}
  PARTNER_KEY: ${env:PARTNER_KEY}
  CLIENT_SECRET: ${env:LWA_CLIENT_SECRET}
  DB_PASSWORD: ${env:SAGE_PASSWORD}
  FILE_SECRET: ${file:secrets/partner.txt}
  ADMIN: ${env:ADMIN_TOKEN}
connections:
  amazon:
    type: spapi
    endpoint: http://127.0.0.1:1
    lwa_endpoint: http://127.0.0.1:1/auth/o2/token
    credentials:
      client_id: amzn1.application-oa2-client.secretstest
      client_secret: ${env:LWA_CLIENT_SECRET}
      refresh_token: ${file:secrets/refresh_token.txt}
    seller_id: A1SECRETSTEST
    marketplaces: [ATVPDKIKX0DER]
  sage:
    type: sage500
    dsn: sqlserver://pipewright:${env:SAGE_PASSWORD}@127.0.0.1:1?database=SOA
    company_id: SOA
`,
	"secrets/partner.txt":       "file-secret-value\n",
	"secrets/refresh_token.txt": "Atzr|file-refresh-token\n",
	"tables/routes.csv":         "route,target\nnone,none\n",
	"routes.yaml": `pipeline: routes
source: { file: { path: in.jsonl, id: msg.id } }
steps:
  - map:
      output:
        id: msg.id
        target: >-
          msg.kind == "date" ? tables.routes["orders/" + env.START + "/getOrder"]
          : msg.kind == "path" ? tables.routes[env.OUTBOX + "/inventory-levels.jsonl"]
          : tables.routes[[env.PARTNER_KEY, env.CLIENT_SECRET, env.DB_PASSWORD, env.FILE_SECRET, env.ADMIN].join(" ")]
sink: { file: { path: out.jsonl } }
`,
	"in.jsonl": `{"id":"d","kind":"date"}
{"id":"p","kind":"path"}
{"id":"s","kind":"secret"}
`,
}

var secretValues = []string{
	"amzn1.oa2-cs.v1.secretstest-client-secret", // LWA client secret (spapi schema)
	"amzn1.application-oa2-client.secretstest",  // LWA client id (spapi schema)
	"Sage-pa55word-secretstest",                 // DSN password (sage500 schema)
	"file-secret-value",                         // ${file:...}
	"Atzr|file-refresh-token",                   // ${file:...}, and the spapi schema
	"partner-key-value",                         // listed under secrets
	"admin-token-secretstest",                   // server.admin_token
}

// The engine, run as `pipewright run`, writes dead letters whose reasons
// show the ordinary values and none of the secrets; no secret is anywhere:
// not in its logs, its dead letters, its HTTP endpoints (metrics,
// readiness, status page, dead-letter API) or its data directory.
func TestRun_secrets_appear_nowhere_but_ordinary_values_do(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine process")
	}
	dir, data := t.TempDir(), t.TempDir()
	writeFiles(t, dir, secretsDir)
	p := startProc(t, dir, data,
		"OUTBOX=/srv/pipewright/outbox", "PARTNER_KEY=partner-key-value", "ADMIN_TOKEN=admin-token-secretstest",
		"LWA_CLIENT_SECRET=amzn1.oa2-cs.v1.secretstest-client-secret", "SAGE_PASSWORD=Sage-pa55word-secretstest")
	get := func(path string) string {
		req, err := http.NewRequest(http.MethodGet, "http://"+p.addr+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer admin-token-secretstest")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
		return string(body)
	}
	var dlq struct {
		Records []struct{ ID, Error string } `json:"records"`
	}
	var dlqText string
	componenttest.WaitFor(t, "3 dead letters", func() bool {
		dlqText = get("/api/dlq")
		require.NoError(t, json.Unmarshal([]byte(dlqText), &dlq))
		return len(dlq.Records) >= 3
	})
	reasons := map[string]string{}
	for _, r := range dlq.Records {
		reasons[r.ID] = r.Error
	}
	assert.Contains(t, reasons["d"], `"orders/2026-01-15/getOrder"`, "a date is no secret")
	assert.Contains(t, reasons["p"], `"/srv/pipewright/outbox/inventory-levels.jsonl"`, "a path is no secret")
	assert.Contains(t, reasons["s"], `"[redacted] [redacted] [redacted] [redacted] [redacted]"`)

	served := map[string]string{"/api/dlq": dlqText}
	for _, path := range []string{"/metrics", "/readyz", "/"} {
		served[path] = get(path)
	}
	p.stop(t)
	logs := p.stderr.String()
	require.Contains(t, logs, "orders/2026-01-15/getOrder", "the log names the dead letters")

	files := map[string]string{}
	require.NoError(t, filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	}))
	stored := false
	for _, content := range files {
		stored = stored || strings.Contains(content, "orders/2026-01-15/getOrder")
	}
	require.True(t, stored, "the dead letters are stored under the data directory, where a secret would be found")

	places := map[string]string{"the log": logs}
	for path, body := range served {
		places["GET "+path] = body
	}
	for path, content := range files {
		places[path] = content
	}
	for _, secret := range secretValues {
		for place, text := range places {
			assert.False(t, strings.Contains(text, secret), "%s holds %s", place, secret)
		}
	}
}
