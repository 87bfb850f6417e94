package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Pagination tokens are opaque to clients: the state of a listing (its
// filters and the position reached) encoded and signed, so that the same
// token always gives the same page, whatever happened in between, until it
// expires.

var errBadToken = errors.New("the pagination token is invalid or has expired")

// encodeToken signs and encodes v, a JSON-able page state.
func (s *Server) encodeToken(v any) string {
	data, _ := json.Marshal(v) // page states are plain structs: cannot fail
	mac := hmac.New(sha256.New, s.secret)
	mac.Write(data)
	return base64.RawURLEncoding.EncodeToString(data) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:12])
}

// decodeToken checks a token's signature and decodes it into v.
func (s *Server) decodeToken(token string, v any) error {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return errBadToken
	}
	data, err1 := base64.RawURLEncoding.DecodeString(payload)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return errBadToken
	}
	mac := hmac.New(sha256.New, s.secret)
	mac.Write(data)
	if !hmac.Equal(got, mac.Sum(nil)[:12]) {
		return errBadToken
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errBadToken
	}
	return nil
}

// expired reports whether a token issued at issued has outlived ttl.
func expired(issued, now time.Time, ttl time.Duration) bool {
	return now.Sub(issued) > ttl
}
