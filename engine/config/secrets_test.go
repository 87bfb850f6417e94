package config_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

// vaultFactory is a connection type whose schema declares secrets every way
// a connector can: a whole value, a DSN, values of a map, items of a list
// through $ref, and a branch of oneOf.
type vaultFactory struct{}

func (vaultFactory) Type() component.Type { return "vault" }
func (vaultFactory) Kind() component.Kind { return component.KindConnection }
func (vaultFactory) Schema() []byte {
	return []byte(`{
  "type": "object", "additionalProperties": false,
  "properties": {
    "password": {"type": "string", "x-secret": true},
    "token": {"type": "string", "x-secret": true, "pattern": "^vault-"},
    "dsn": {"type": "string", "x-secret": "dsn"},
    "backup_dsn": {"type": "string", "x-secret": "dsn"},
    "headers": {"type": "object", "additionalProperties": {"type": "string", "x-secret": true, "pattern": "^h-"}},
    "users": {"type": "array", "items": {"$ref": "#/$defs/user"}},
    "auth": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"key": {"type": "string", "x-secret": true}}}]},
    "note": {"type": "string", "pattern": "^[a-z-]*$"},
    "label": {"type": "string", "pattern": "^[a-z-]*$"}
  },
  "$defs": {"user": {"type": "object", "properties": {"name": {"type": "string"}, "password": {"type": "string", "x-secret": true}}}}
}`)
}
func (vaultFactory) NewConfig() any { return &map[string]any{} }
func (vaultFactory) CreateConnection(context.Context, component.Settings, any) (component.Connection, error) {
	return nil, nil
}

// onePipeline is the smallest pipeline file, for directories whose project
// file is what a test is about.
const onePipeline = `
-- client/p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
sink: { test.nop: {} }
`

const secretsDir = `
-- client/pipewright.yaml --
project: shop
secrets: [PARTNER_KEY]
server:
  admin_token: ${env:ADMIN_TOKEN}
transport:
  url: nats://engine:${env:NATS_PASSWORD}@127.0.0.1:4222
env:
  START: ${env:SHIPMENTS_START:-2026-01-15}
  OUTBOX: ${env:OUTBOX}
  PARTNER: ${env:PARTNER_KEY}
  PEM: ${file:keys/partner.pem}
connections:
  vault:
    type: vault
    password: literal-password-1
    token: ${env:VAULT_TOKEN}
    dsn: sqlserver://sa:${env:DB_PASSWORD}@127.0.0.1:1433/SAGE?database=SOA
    backup_dsn: server=10.0.0.9;user id=sa;password=ado-pass-word;database=SOA
    headers: { X-Api-Key: h-header-secret-1 }
    users: [{ name: alice-the-admin, password: alice-password }]
    auth: { key: oneof-key-value }
    note: plain-note-value
-- client/keys/partner.pem --
-----BEGIN KEY-----
line-one-of-the-key
-----END KEY-----
-- client/p.yaml --
pipeline: p
source: { test.lines: { path: "${env:OUTBOX}/in.jsonl" } }
sink: { test.nop: {} }
`

var secretsEnv = map[string]string{
	"ADMIN_TOKEN":   "admin-token-value",
	"NATS_PASSWORD": "nats-pass-value",
	"OUTBOX":        "/srv/pipewright/outbox",
	"PARTNER_KEY":   "partner-key-value",
	"VAULT_TOKEN":   "vault-token-value",
	"DB_PASSWORD":   "db-pass-value",
}

func TestLoad_secrets_are_declared_values_not_every_interpolated_value(t *testing.T) {
	p, err := loadTxtar(t, secretsDir, secretsEnv, vaultFactory{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"literal-password-1", "vault-token-value", "db-pass-value", "ado-pass-word",
		"h-header-secret-1", "alice-password", "oneof-key-value",
		"admin-token-value", "nats-pass-value", "partner-key-value",
		"-----BEGIN KEY-----\nline-one-of-the-key\n-----END KEY-----",
		"-----BEGIN KEY-----", "line-one-of-the-key", "-----END KEY-----",
	}, p.Secrets)
	for _, plain := range []string{"2026-01-15", "/srv/pipewright/outbox", "plain-note-value", "alice-the-admin", "127.0.0.1"} {
		assert.NotContains(t, p.Secrets, plain)
	}
	assert.Equal(t, "2026-01-15", p.Env["START"])
}

// Problems quote ordinary values, interpolated or not, as they are, and
// say where an interpolated value came from; a secret shows as its
// reference, or [redacted] when it is written in the file.
func TestLoad_problems_show_values_but_not_secrets(t *testing.T) {
	_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
secrets: [PARTNER_KEY]
connections:
  vault:
    type: vault
    note: ${env:SHIPMENTS_START:-2026-01-15}
    label: ${env:OUTBOX}
    token: ${env:PARTNER_KEY}
    headers: { X-Api-Key: literal-header-secret }
`+onePipeline, secretsEnv, vaultFactory{})
	require.Error(t, err)
	assert.Equal(t, `client/pipewright.yaml:6:11: "2026-01-15" does not match pattern '^[a-z-]*$' (the default of SHIPMENTS_START, from ${env:SHIPMENTS_START:-2026-01-15})
client/pipewright.yaml:7:12: "/srv/pipewright/outbox" does not match pattern '^[a-z-]*$' (OUTBOX's value, from ${env:OUTBOX})
client/pipewright.yaml:8:12: "${env:PARTNER_KEY}" does not match pattern '^vault-' (PARTNER_KEY's value, from ${env:PARTNER_KEY})
client/pipewright.yaml:9:27: "[redacted]" does not match pattern '^h-'`, err.Error())
}

func TestLoad_a_secrets_name_no_reference_uses_is_a_problem(t *testing.T) {
	_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
secrets: [PARTNER_KEY, PARTNR_KEY]
env: { PARTNER: "${env:PARTNER_KEY}" }
`+onePipeline, secretsEnv, vaultFactory{})
	require.Error(t, err)
	assert.Equal(t, "client/pipewright.yaml:2:24: secret PARTNR_KEY is not used: no ${env:PARTNR_KEY} in the directory", err.Error())
}

// A connection string's password is the secret; which forms are read.
func TestLoad_a_dsn_option_declares_only_its_password_secret(t *testing.T) {
	for _, tt := range []struct {
		name, dsn string
		want      []string
	}{
		{"url user info", "sqlserver://sa:Pa55word!@db.local/SAGE?database=SOA", []string{"Pa55word!"}},
		{"url user info, escaped", "sqlserver://sa:p%40ss%2Fword@db.local?database=SOA", []string{"p%40ss%2Fword", "p@ss/word"}},
		{"url password parameter", "sqlserver://db.local?user+id=sa&password=query-pass&database=SOA", []string{"query-pass"}},
		{"ado", "server=db.local;user id=sa;Password=ado-password;database=SOA", []string{"ado-password"}},
		{"odbc", "odbc:server=db.local;uid=sa;PWD={odbc-password};database=SOA", []string{"odbc-password"}},
		{"no password", "sqlserver://sa@db.local?database=SOA", nil},
		{"sqlite path", "sqlite:/srv/pipewright/sage500.db?_synchronous=NORMAL", nil},
		{"short password", "sqlserver://sa:pw@db.local", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
connections:
  vault: { type: vault, dsn: "${env:DSN}" }
`+onePipeline, map[string]string{"DSN": tt.dsn}, vaultFactory{})
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, p.Secrets)
		})
	}
}

// badSecretFactory declares a secret with a value x-secret does not know.
type badSecretFactory struct{ vaultFactory }

func (badSecretFactory) Type() component.Type { return "bad" }
func (badSecretFactory) Schema() []byte {
	return []byte(`{"type": "object", "properties": {"password": {"type": "string", "x-secret": "yes"}}}`)
}

func TestLoad_an_unknown_x_secret_value_is_a_schema_error(t *testing.T) {
	_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
connections:
  b: { type: bad, password: hunter2-secret }
`+onePipeline, nil, badSecretFactory{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `x-secret must be true or "dsn", not yes`)
}
