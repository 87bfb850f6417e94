package webhook_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/component/schemagen"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// optionsFactory is a factory whose options are exactly webhook.Options, so
// that componenttest.TryDecodeConfig checks the schema fragment, the YAML
// decoding and Validate the way the loader does for a connector.
type optionsFactory struct{}

func (optionsFactory) Type() component.Type { return "test.webhook" }
func (optionsFactory) Kind() component.Kind { return component.KindSource }
func (optionsFactory) NewConfig() any       { return &webhook.Options{} }
func (optionsFactory) Schema() []byte {
	schema, err := schemagen.Generate(optionsFactory{})
	if err != nil {
		panic(err)
	}
	return schema
}

func TestOptions_decode_as_written(t *testing.T) {
	tests := []struct {
		name    string
		options string
		want    webhook.Options
	}{
		{"token", "path: /hooks/a\nauth: {token: s3cret}", webhook.Options{
			Path: "/hooks/a", Auth: webhook.Auth{Token: "s3cret"},
		}},
		{"hmac", "path: /hooks/a/b\nauth: {hmac: {secret: k}}\nmax_body: 64KiB", webhook.Options{
			Path: "/hooks/a/b", MaxBody: 64 << 10, Auth: webhook.Auth{HMAC: &webhook.HMAC{Secret: "k"}},
		}},
		{"none and a size in bytes", "path: /hooks/dev\nauth: {none: true}\nmax_body: 2048\nschema: s.json", webhook.Options{
			Path: "/hooks/dev", MaxBody: 2048, Schema: "s.json", Auth: webhook.Auth{None: true},
		}},
		{"decimal megabytes", "path: /hooks/a\nauth: {none: true}\nmax_body: 2 MB", webhook.Options{
			Path: "/hooks/a", MaxBody: 2000000, Auth: webhook.Auth{None: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := componenttest.DecodeConfig(t, optionsFactory{}, tt.options)
			assert.Equal(t, &tt.want, cfg)
		})
	}
}

func TestOptions_unset_options_mean_their_defaults(t *testing.T) {
	token := componenttest.DecodeConfig(t, optionsFactory{}, "path: /hooks/a\nauth: {token: s3cret}").(*webhook.Options)
	assert.Equal(t, webhook.ByteSize(1<<20), token.BodyLimit())
	assert.Equal(t, "X-Hook-Token", token.Auth.TokenHeader())
	hmac := componenttest.DecodeConfig(t, optionsFactory{}, "path: /hooks/a\nauth: {hmac: {secret: k}}").(*webhook.Options)
	assert.Equal(t, "X-Signature", hmac.Auth.HMAC.SignatureHeaderName())
	assert.Equal(t, "X-Timestamp", hmac.Auth.HMAC.TimestampHeaderName())
	assert.Equal(t, 5*time.Minute, hmac.Auth.HMAC.Window())
	set := componenttest.DecodeConfig(t, optionsFactory{}, "path: /hooks/a\nmax_body: 2KiB\nauth: {hmac: {secret: k, signature_header: X-S, timestamp_header: X-T, tolerance: 1m}}").(*webhook.Options)
	assert.Equal(t, webhook.ByteSize(2048), set.BodyLimit())
	assert.Equal(t, []string{"X-S", "X-T"}, set.AuthHeaders())
	assert.Equal(t, time.Minute, set.Auth.HMAC.Window())
}

// TestOptions_patterns_are_the_schema_patterns: the patterns Validate
// checks are the ones the schema tags declare.
func TestOptions_patterns_are_the_schema_patterns(t *testing.T) {
	path, _ := reflect.TypeOf(webhook.Options{}).FieldByName("Path")
	header, _ := reflect.TypeOf(webhook.Auth{}).FieldByName("Header")
	assert.Equal(t, webhook.PathPattern, path.Tag.Get("pattern"))
	assert.Equal(t, webhook.HeaderPattern, header.Tag.Get("pattern"))
}

func TestOptions_rejects_invalid_options(t *testing.T) {
	tests := []struct {
		name    string
		options string
		want    string
	}{
		{"no auth", "path: /hooks/a", "missing properties: 'auth'"},
		{"empty auth", "path: /hooks/a\nauth: {}", "/auth' does not validate"},
		{"two modes", "path: /hooks/a\nauth: {token: t, none: true}", "valid against schemas at indexes 0 and 2"},
		{"none false", "path: /hooks/a\nauth: {none: false}", "value must be true"},
		{"header without token", "path: /hooks/a\nauth: {header: X-A, none: true}", "property 'token' is required, if 'header' property exists"},
		{"hmac without secret", "path: /hooks/a\nauth: {hmac: {tolerance: 1m}}", "missing properties: 'secret'"},
		{"typo in hmac", "path: /hooks/a\nauth: {hmac: {secret: k, tolerence: 1m}}", "additionalProperties 'tolerence' not allowed"},
		{"bad tolerance", "path: /hooks/a\nauth: {hmac: {secret: k, tolerance: soon}}", "does not match pattern"},
		{"tolerance too long", "path: /hooks/a\nauth: {hmac: {secret: k, tolerance: 2h}}", "auth.hmac.tolerance: want between 1s and 1h"},
		{"same hmac headers", "path: /hooks/a\nauth: {hmac: {secret: k, signature_header: X-T, timestamp_header: x-t}}", "auth.hmac.timestamp_header: must differ"},
		{"path outside /hooks", "path: /orders\nauth: {none: true}", "does not match pattern"},
		{"path with a trailing slash", "path: /hooks/a/\nauth: {none: true}", "does not match pattern"},
		{"bad header", "path: /hooks/a\nauth: {header: 'X A', token: t}", "does not match pattern"},
		{"max_body unit", "path: /hooks/a\nauth: {none: true}\nmax_body: 1GB", "does not match pattern"},
		{"max_body too large", "path: /hooks/a\nauth: {none: true}\nmax_body: 64MiB", "max_body: want between 1 byte and 32MiB"},
		{"max_body zero", "path: /hooks/a\nauth: {none: true}\nmax_body: 0", "must be >= 1"},
		{"unknown key", "path: /hooks/a\nauth: {none: true}\nmax_size: 1", "additionalProperties 'max_size' not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(optionsFactory{}, tt.options)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestOptions_Validate_without_the_schema(t *testing.T) {
	tests := []struct {
		name string
		opts webhook.Options
		path string
	}{
		{"no auth", webhook.Options{Path: "/hooks/a"}, "auth"},
		{"two modes", webhook.Options{Path: "/hooks/a", Auth: webhook.Auth{Token: "t", HMAC: &webhook.HMAC{Secret: "k"}}}, "auth"},
		{"header without token", webhook.Options{Path: "/hooks/a", Auth: webhook.Auth{Header: "X-A", None: true}}, "auth.header"},
		{"hmac without secret", webhook.Options{Path: "/hooks/a", Auth: webhook.Auth{HMAC: &webhook.HMAC{}}}, "auth.hmac.secret"},
		{"bad header", webhook.Options{Path: "/hooks/a", Auth: webhook.Auth{Header: "X:A", Token: "t"}}, "auth.header"},
		{"bad path", webhook.Options{Path: "/hooks/", Auth: webhook.Auth{None: true}}, "path"},
		{"negative size", webhook.Options{Path: "/hooks/a", MaxBody: -1, Auth: webhook.Auth{None: true}}, "max_body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			var fe *component.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.path, fe.Path)
		})
	}
}

func TestOptions_errors_never_contain_secrets(t *testing.T) {
	for _, options := range []string{
		"path: /hooks/a\nauth: {token: tok-very-secret, none: true}",
		"path: /hooks/a\nauth: {hmac: {secret: key-very-secret, tolerance: 2h}}",
		"path: /hooks/a\nauth: {hmac: {secret: key-very-secret, signature_header: X-T, timestamp_header: X-T}}",
	} {
		_, err := componenttest.TryDecodeConfig(optionsFactory{}, options)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "very-secret")
	}
}

func TestOptions_AuthHeaders(t *testing.T) {
	token := webhook.Options{Auth: webhook.Auth{Header: "authorization", Token: "t"}}
	hmac := webhook.Options{Auth: webhook.Auth{HMAC: &webhook.HMAC{SignatureHeader: "x-sig", TimestampHeader: "X-TS"}}}
	assert.Equal(t, []string{"Authorization"}, token.AuthHeaders())
	assert.Equal(t, []string{"X-Sig", "X-Ts"}, hmac.AuthHeaders())
	assert.Empty(t, (&webhook.Options{Auth: webhook.Auth{None: true}}).AuthHeaders())
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want webhook.ByteSize
		err  string
	}{
		{"1", 1, ""},
		{"512KiB", 512 << 10, ""},
		{"1 MiB", 1 << 20, ""},
		{"3MB", 3000000, ""},
		{"10KB", 10000, ""},
		{"7B", 7, ""},
		{"1.5MiB", 0, "invalid size"},
		{"MiB", 0, "invalid size"},
		{"99999999999999999999", 0, "too large"},
		{"9999999999999MiB", 0, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := webhook.ParseByteSize(tt.in)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
