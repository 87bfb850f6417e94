package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// hmacAuth checks an HMAC-SHA256 signature of timestamp + "." + body and
// that the timestamp is inside the tolerance window.
type hmacAuth struct {
	secret          []byte
	signatureHeader string
	timestampHeader string
	tolerance       time.Duration
}

func newHMACAuth(c *HMAC) hmacAuth {
	return hmacAuth{
		secret:          []byte(c.Secret),
		signatureHeader: c.SignatureHeaderName(),
		timestampHeader: c.TimestampHeaderName(),
		tolerance:       c.Window(),
	}
}

func (a hmacAuth) check(h http.Header, now time.Time) (string, bool) {
	ts := h.Get(a.timestampHeader)
	if ts == "" {
		return "missing timestamp header", false
	}
	if h.Get(a.signatureHeader) == "" {
		return "missing signature header", false
	}
	t, ok := parseTimestamp(ts)
	if !ok {
		return "unreadable timestamp", false
	}
	if d := now.Sub(t); d > a.tolerance || d < -a.tolerance {
		return "timestamp outside the tolerance window", false
	}
	return "", true
}

func (a hmacAuth) verify(h http.Header, body []byte) (string, bool) {
	sig := h.Get(a.signatureHeader)
	if len(sig) > 7 && strings.EqualFold(sig[:7], "sha256=") {
		sig = sig[7:]
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return "signature is not hex", false
	}
	if !hmac.Equal(got, mac(a.secret, h.Get(a.timestampHeader), body)) {
		return "bad signature", false
	}
	return "", true
}

func mac(secret []byte, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Sign returns the signature header value a sender puts on body sent with
// the timestamp header value timestamp: "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body keyed with secret. Senders in tests and simulators
// use it.
func Sign(secret, timestamp string, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac([]byte(secret), timestamp, body))
}

// parseTimestamp reads Unix seconds or an RFC 3339 time.
func parseTimestamp(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > 1<<40 {
			return time.Time{}, false
		}
		return time.Unix(n, 0), true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
