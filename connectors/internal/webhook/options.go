package webhook

import (
	"cmp"
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
// config struct with `yaml:",inline"` or under a key of its choice; the
// schema generator takes its keys, descriptions and constraints from here.
// Unset options mean their defaults (see the methods that read them).
type Options struct {
	// Path the webhook is served at on the engine's HTTP server, e.g.
	// /hooks/orders; must start with /hooks/.
	Path string `yaml:"path" schema:"required" pattern:"^/hooks/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$"`
	// How senders authenticate; exactly one of token (with header), hmac, or
	// none: true. There is no default: an endpoint is never open by
	// accident.
	Auth Auth `yaml:"auth" schema:"required"`
	// Largest accepted body, in bytes or with a unit (KB, KiB, MB, MiB;
	// default 1MiB, at most 32MiB); larger bodies are answered 413.
	MaxBody ByteSize `yaml:"max_body" schema:"minimum=1"`
	// JSON Schema file, relative to the pipeline directory, that every body
	// must match; violations are answered 400.
	Schema string `yaml:"schema" schema:"minLength=1"`
}

// Auth chooses exactly one way to authenticate senders: Token (with
// Header), HMAC, or None.
type Auth struct {
	// Header carrying the token (default X-Hook-Token); with Authorization
	// the token is the whole value, e.g. Bearer abc.
	Header string `yaml:"header" pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	// Shared secret the header must hold, compared in constant time. Use
	// ${env:NAME}; at least 32 random characters are recommended.
	Token string `yaml:"token" schema:"minLength=1,secret"`
	// HMAC-SHA256 signature (hex, optionally prefixed sha256=) of timestamp
	// + "." + body; the timestamp (Unix seconds or RFC 3339) must be within
	// tolerance of the wall clock (not the engine clock, which may run
	// accelerated: senders sign with wall-clock time).
	HMAC *HMAC `yaml:"hmac"`
	// Accept unauthenticated requests. Development only; a warning is logged
	// at start.
	None bool `yaml:"none" schema:"const=true"`
}

// JSONSchemaExtend declares that exactly one mode is chosen and that header
// goes with token.
func (Auth) JSONSchemaExtend(s map[string]any) {
	s["oneOf"] = []any{
		map[string]any{"required": []any{"token"}},
		map[string]any{"required": []any{"hmac"}},
		map[string]any{"required": []any{"none"}},
	}
	s["dependentRequired"] = map[string]any{"header": []any{"token"}}
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
	// Signing key. Use ${env:NAME}.
	Secret string `yaml:"secret" schema:"required,minLength=1,secret"`
	// Header carrying the signature (default X-Signature).
	SignatureHeader string `yaml:"signature_header" pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	// Header carrying the signed timestamp (default X-Timestamp).
	TimestampHeader string `yaml:"timestamp_header" pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	// Largest accepted distance between the timestamp and the wall clock, in
	// the past or the future (replay protection; default 5m, at most 1h).
	Tolerance component.Duration `yaml:"tolerance"`
}

// BodyLimit is the largest accepted body: MaxBody, or DefaultMaxBody.
func (o *Options) BodyLimit() ByteSize { return cmp.Or(o.MaxBody, DefaultMaxBody) }

// TokenHeader is the header carrying the token: Header, or
// DefaultTokenHeader.
func (a *Auth) TokenHeader() string { return cmp.Or(a.Header, DefaultTokenHeader) }

// SignatureHeaderName is the header carrying the signature:
// SignatureHeader, or DefaultSignatureHeader.
func (h *HMAC) SignatureHeaderName() string { return cmp.Or(h.SignatureHeader, DefaultSignatureHeader) }

// TimestampHeaderName is the header carrying the signed timestamp:
// TimestampHeader, or DefaultTimestampHeader.
func (h *HMAC) TimestampHeaderName() string { return cmp.Or(h.TimestampHeader, DefaultTimestampHeader) }

// Window is the replay window: Tolerance, or DefaultTolerance.
func (h *HMAC) Window() time.Duration { return cmp.Or(h.Tolerance.D(), DefaultTolerance) }

// Validate checks the options; it changes nothing. Errors are
// *component.FieldError with paths relative to the options ("auth.hmac"); a
// connector that nests the options under a key prefixes the path.
func (o *Options) Validate() error {
	if !pathRE.MatchString(o.Path) {
		return component.FieldErrorf("path", "want /hooks/ followed by a name, e.g. /hooks/orders (letters, digits, ._~- and /; no trailing slash)")
	}
	if o.MaxBody < 0 || o.BodyLimit() > maxBodyLimit {
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
	return checkHeader("auth.header", a.TokenHeader())
}

func (h *HMAC) validate() error {
	if h.Secret == "" {
		return component.FieldErrorf("auth.hmac.secret", "a secret is required")
	}
	if err := checkHeader("auth.hmac.signature_header", h.SignatureHeaderName()); err != nil {
		return err
	}
	if err := checkHeader("auth.hmac.timestamp_header", h.TimestampHeaderName()); err != nil {
		return err
	}
	if http.CanonicalHeaderKey(h.SignatureHeaderName()) == http.CanonicalHeaderKey(h.TimestampHeaderName()) {
		return component.FieldErrorf("auth.hmac.timestamp_header", "must differ from signature_header")
	}
	if t := h.Window(); t < time.Second || t > maxTolerance {
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
		return []string{http.CanonicalHeaderKey(o.Auth.HMAC.SignatureHeaderName()), http.CanonicalHeaderKey(o.Auth.HMAC.TimestampHeaderName())}
	case o.Auth.Token != "":
		return []string{http.CanonicalHeaderKey(o.Auth.TokenHeader())}
	}
	return nil
}
