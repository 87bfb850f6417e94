package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"time"
)

// authenticator checks a request's credentials. check runs before the body
// is read, so that an unauthenticated sender cannot make the endpoint read a
// large body; verify runs on the body (for signatures). Both return a
// reason for the log that never contains a credential. check gets the wall
// clock's now, which signed timestamps are compared with.
type authenticator interface {
	check(h http.Header, now time.Time) (reason string, ok bool)
	verify(h http.Header, body []byte) (reason string, ok bool)
}

func newAuthenticator(a *Auth) authenticator {
	switch {
	case a.HMAC != nil:
		return newHMACAuth(a.HMAC)
	case a.Token != "":
		return tokenAuth{header: a.TokenHeader(), sum: sha256.Sum256([]byte(a.Token))}
	}
	return noAuth{}
}

// tokenAuth compares a header with a shared token. Both are hashed first,
// so that the comparison takes the same time whatever the lengths.
type tokenAuth struct {
	header string
	sum    [sha256.Size]byte
}

func (a tokenAuth) check(h http.Header, _ time.Time) (string, bool) {
	v := h.Get(a.header)
	if v == "" {
		return "missing token header", false
	}
	got := sha256.Sum256([]byte(v))
	if subtle.ConstantTimeCompare(got[:], a.sum[:]) != 1 {
		return "wrong token", false
	}
	return "", true
}

func (tokenAuth) verify(http.Header, []byte) (string, bool) { return "", true }

// noAuth accepts every request (auth: none).
type noAuth struct{}

func (noAuth) check(http.Header, time.Time) (string, bool) { return "", true }
func (noAuth) verify(http.Header, []byte) (string, bool)   { return "", true }
