// Package access decides who may use the engine's admin surface (the
// dead-letter API and the operator console): loopback clients are trusted
// unless the project says otherwise, everyone else needs the admin token,
// and state-changing requests from other sites are refused.
package access

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Policy is the project's access rule.
type Policy struct {
	// Token is the admin token ("" when none is configured).
	Token string
	// TrustLoopback serves loopback clients without the token.
	TrustLoopback bool
}

// Decision says whether a request may go on, and why not.
type Decision int

// Decisions.
const (
	// Allowed: the client is trusted or showed the token.
	Allowed Decision = iota
	// NeedToken: the client must show the admin token.
	NeedToken
	// NoToken: the client is not on loopback and no token is configured,
	// so nothing it can show would do.
	NoToken
)

// Check decides on a request that may carry the token as a bearer header
// (presented is a token from elsewhere, such as a session; "" for none).
func (p Policy) Check(r *http.Request, presented bool) Decision {
	switch {
	case presented || p.Bearer(r):
		return Allowed
	case p.TrustLoopback && IsLoopback(r.RemoteAddr):
		return Allowed
	case p.Token == "" && !IsLoopback(r.RemoteAddr):
		return NoToken
	}
	return NeedToken
}

// Bearer reports whether the request carries the token as
// "Authorization: Bearer TOKEN".
func (p Policy) Bearer(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && p.Matches(got)
}

// Matches compares a presented token with the admin token in constant time.
func (p Policy) Matches(token string) bool {
	return p.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(p.Token)) == 1
}

// IsLoopback reports whether a RemoteAddr (host:port) is a loopback address.
func IsLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Safe reports whether the method changes nothing (GET, HEAD, OPTIONS).
func Safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// CrossSite reports whether a browser sent the request from another site:
// Sec-Fetch-Site says so, or the Origin (else the Referer) names another
// host than the request's. Clients that send neither (curl, the CLI) are
// not cross-site.
func CrossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	case "same-origin", "none":
		return false
	}
	from := r.Header.Get("Origin")
	if from == "" || from == "null" {
		if from == "null" {
			return true
		}
		from = r.Header.Get("Referer")
	}
	if from == "" {
		return false
	}
	u, err := url.Parse(from)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}
