package webhook

import (
	"net/http"
	"regexp"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Defaults of the options.
const (
	DefaultTokenHeader     = "X-Hook-Token"
	DefaultSignatureHeader = "X-Signature"
	DefaultTimestampHeader = "X-Timestamp"
	DefaultTolerance       = 5 * time.Minute
	DefaultMaxBody         = ByteSize(1 << 20)

	// maxBodyLimit caps max_body: webhook payloads are small, and a body is
	// held in memory while it is verified.
	maxBodyLimit = ByteSize(32 << 20)
	// maxTolerance caps the replay window.
	maxTolerance = time.Hour
)

// PathPattern is the pattern webhook paths match: /hooks/ followed by one or
// more segments of letters, digits and ._~- (no trailing slash, no wildcards).
const PathPattern = `^/hooks/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$`

// HeaderPattern is the pattern header names in options match.
const HeaderPattern = `^[A-Za-z0-9][A-Za-z0-9_.-]*$`

var (
	pathRE   = regexp.MustCompile(PathPattern)
	headerRE = regexp.MustCompile(HeaderPattern)
)

// Options configures a webhook endpoint. A connector embeds it in its own
// config struct with `yaml:",inline"` (or under a key of its choice) and
// splices SchemaProperties and SchemaRequired into its schema.
type Options struct {
	// Path is where the endpoint is served, e.g. /hooks/orders.
	Path string `yaml:"path"`
	// Auth says how senders authenticate; it has no default, so that an
	// endpoint is never open by accident.
	Auth Auth `yaml:"auth"`
	// MaxBody is the largest accepted body (default 1 MiB); larger ones are
	// answered 413.
	MaxBody ByteSize `yaml:"max_body"`
	// Schema is a JSON Schema file, relative to the pipeline directory, that
	// every body must match (optional).
	Schema string `yaml:"schema"`
}

// Auth chooses exactly one way to authenticate senders: Token (with
// Header), HMAC, or None.
type Auth struct {
	// Header carries the token (default X-Hook-Token). With Authorization,
	// the token is the whole header value, e.g. "Bearer abc...".
	Header string `yaml:"header"`
	// Token is the shared secret the header must hold.
	Token string `yaml:"token"`
	// HMAC authenticates a signature of the body instead of a token.
	HMAC *HMAC `yaml:"hmac"`
	// None accepts unauthenticated requests. It must be set explicitly and
	// is for development only: the endpoint logs a warning when it is created.
	None bool `yaml:"none"`
}

// HMAC configures signature authentication: the signature header holds the
// hex HMAC-SHA256 (optionally prefixed "sha256=") of timestamp + "." + body,
// keyed with Secret, where timestamp is the timestamp header's value (Unix
// seconds or RFC 3339). Requests whose timestamp is further than Tolerance
// from the wall clock (time.Now), in the past or the future, are refused.
// The wall clock, not the engine's component.Clock: senders (SQS
// forwarders, EventBridge, the SP-API simulator) sign with wall-clock time,
// and the engine clock may run accelerated in demos and tests.
type HMAC struct {
	// Secret is the signing key.
	Secret string `yaml:"secret"`
	// SignatureHeader carries the signature (default X-Signature).
	SignatureHeader string `yaml:"signature_header"`
	// TimestampHeader carries the signed timestamp (default X-Timestamp).
	TimestampHeader string `yaml:"timestamp_header"`
	// Tolerance is the replay window (default 5m, at most 1h).
	Tolerance component.Duration `yaml:"tolerance"`
}

// Validate fills in the defaults and checks the options. Errors are
// *component.FieldError with paths relative to the options ("auth.hmac"); a
// connector that nests the options under a key prefixes the path.
func (o *Options) Validate() error {
	if !pathRE.MatchString(o.Path) {
		return component.FieldErrorf("path", "want /hooks/ followed by a name, e.g. /hooks/orders (letters, digits, ._~- and /; no trailing slash)")
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxBody < 1 || o.MaxBody > maxBodyLimit {
		return component.FieldErrorf("max_body", "want between 1 byte and 32MiB")
	}
	return o.Auth.validate()
}

func (a *Auth) validate() error {
	modes := 0
	for _, set := range []bool{a.Token != "", a.HMAC != nil, a.None} {
		if set {
			modes++
		}
	}
	switch {
	case modes == 0:
		return component.FieldErrorf("auth", "choose token, hmac or none: true (none accepts anyone and is for development only)")
	case modes > 1:
		return component.FieldErrorf("auth", "choose only one of token, hmac and none")
	case a.Header != "" && a.Token == "":
		return component.FieldErrorf("auth.header", "header applies to token authentication only")
	case a.HMAC != nil:
		return a.HMAC.validate()
	case a.None:
		return nil
	}
	if a.Header == "" {
		a.Header = DefaultTokenHeader
	}
	return checkHeader("auth.header", a.Header)
}

func (h *HMAC) validate() error {
	if h.Secret == "" {
		return component.FieldErrorf("auth.hmac.secret", "a secret is required")
	}
	if h.SignatureHeader == "" {
		h.SignatureHeader = DefaultSignatureHeader
	}
	if h.TimestampHeader == "" {
		h.TimestampHeader = DefaultTimestampHeader
	}
	if h.Tolerance == 0 {
		h.Tolerance = component.Duration(DefaultTolerance)
	}
	if err := checkHeader("auth.hmac.signature_header", h.SignatureHeader); err != nil {
		return err
	}
	if err := checkHeader("auth.hmac.timestamp_header", h.TimestampHeader); err != nil {
		return err
	}
	if http.CanonicalHeaderKey(h.SignatureHeader) == http.CanonicalHeaderKey(h.TimestampHeader) {
		return component.FieldErrorf("auth.hmac.timestamp_header", "must differ from signature_header")
	}
	if t := h.Tolerance.D(); t < time.Second || t > maxTolerance {
		return component.FieldErrorf("auth.hmac.tolerance", "want between 1s and 1h, got %s", t)
	}
	return nil
}

func checkHeader(path, name string) error {
	if !headerRE.MatchString(name) {
		return component.FieldErrorf(path, "invalid header name %q", name)
	}
	return nil
}

// AuthHeaders returns the canonical names of the headers that carry
// credentials (token, signature, timestamp). Connectors must not copy them
// into messages.
func (o *Options) AuthHeaders() []string {
	switch {
	case o.Auth.HMAC != nil:
		return []string{http.CanonicalHeaderKey(o.Auth.HMAC.SignatureHeader), http.CanonicalHeaderKey(o.Auth.HMAC.TimestampHeader)}
	case o.Auth.Token != "":
		return []string{http.CanonicalHeaderKey(o.Auth.Header)}
	}
	return nil
}
