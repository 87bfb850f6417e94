package spapi

import (
	"cmp"
	"errors"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// WebhookConfig is a notification intake path and its authentication. The
// auth options are the same as the generic http.webhook source's.
type WebhookConfig struct {
	// Path is the URL path on the engine's HTTP server, e.g. /hooks/amazon.
	Path string `yaml:"path"`
	// Auth authenticates every request: a header token or an HMAC signature.
	Auth AuthConfig `yaml:"auth"`
}

// AuthConfig is either a token compared with a header or an HMAC-SHA256
// signature over "<timestamp>.<body>".
type AuthConfig struct {
	// Header carries Token (default X-Hook-Token).
	Header string `yaml:"header"`
	// Token is the shared secret expected in Header.
	Token string `yaml:"token"`
	// HMAC, when set, replaces the token check.
	HMAC *HMACConfig `yaml:"hmac"`
}

// HMACConfig checks a signature header: hex HMAC-SHA256 of
// "<timestamp>.<body>" with Secret, optionally prefixed "sha256=", where the
// timestamp (Unix seconds) is in TimestampHeader and must be within
// Tolerance of the wall clock.
type HMACConfig struct {
	Secret          string             `yaml:"secret"`
	SignatureHeader string             `yaml:"signature_header"`
	TimestampHeader string             `yaml:"timestamp_header"`
	Tolerance       component.Duration `yaml:"tolerance"`
}

func webhookSchema(desc string) jsonSchema {
	return object(desc, webhookProperties(), "path", "auth")
}

// webhookProperties are the path and auth options of a notification intake.
func webhookProperties() jsonSchema {
	return jsonSchema{
		"path": str("URL path on the engine's HTTP server, e.g. /hooks/amazon."),
		"auth": object("Authentication of each request: token (with header) or hmac. Required.", jsonSchema{
			"header": str("Header carrying the token (default X-Hook-Token)."),
			"token":  str("Shared secret expected in header (secret; use ${env:...})."),
			"hmac": object("HMAC-SHA256 signature of \"<timestamp>.<body>\" instead of a token.", jsonSchema{
				"secret":           str("Signing secret (secret; use ${env:...})."),
				"signature_header": str("Header with the hex signature, optionally prefixed sha256= (default X-Pipewright-Signature)."),
				"timestamp_header": str("Header with the Unix time in seconds (default X-Pipewright-Timestamp)."),
				"tolerance":        duration("Largest accepted clock difference (default 5m)."),
			}, "secret"),
		}),
	}
}

// validate checks the webhook options under prefix (e.g. "notifications").
func (w *WebhookConfig) validate(prefix string) error {
	var errs []error
	if !strings.HasPrefix(w.Path, "/") {
		errs = append(errs, component.FieldErrorf(prefix+"path", "want a path starting with /"))
	}
	a := &w.Auth
	switch {
	case a.HMAC != nil && a.Token != "":
		errs = append(errs, component.FieldErrorf(prefix+"auth", "give token or hmac, not both"))
	case a.HMAC == nil && a.Token == "":
		errs = append(errs, component.FieldErrorf(prefix+"auth", "give a token (with header) or hmac: unauthenticated webhooks are not allowed"))
	case a.HMAC != nil && a.HMAC.Secret == "":
		errs = append(errs, component.FieldErrorf(prefix+"auth.hmac.secret", "is required"))
	}
	return errors.Join(errs...)
}

// signatureHeader, timestampHeader and tolerance apply the defaults.
func (h *HMACConfig) signatureHeader() string {
	return cmp.Or(h.SignatureHeader, "X-Pipewright-Signature")
}

func (h *HMACConfig) timestampHeader() string {
	return cmp.Or(h.TimestampHeader, "X-Pipewright-Timestamp")
}

func (h *HMACConfig) tolerance() time.Duration {
	if h.Tolerance <= 0 {
		return 5 * time.Minute
	}
	return h.Tolerance.D()
}
