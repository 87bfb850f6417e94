package simulator

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"
)

// tokenLifetime is how long LWA access tokens and restricted data tokens
// live, in simulated time.
const tokenLifetime = time.Hour

type tokenKind int

const (
	// tokenSeller comes from the refresh_token grant: it acts for the seller.
	tokenSeller tokenKind = iota + 1
	// tokenGrantless comes from the client_credentials grant: it acts for
	// the application, for grantless operations only.
	tokenGrantless
	// tokenRestricted is a restricted data token from the Tokens API.
	tokenRestricted
)

// accessToken is an issued token.
type accessToken struct {
	kind    tokenKind
	subject string // the seller id, or the application's client id
	expires time.Time
	// resources are what a restricted data token grants.
	resources []restrictedResource
}

// restrictedResource is one resource of a restricted data token.
type restrictedResource struct {
	Method       string   `json:"method"`
	Path         string   `json:"path"`
	DataElements []string `json:"dataElements,omitempty"`
}

// principal names whose rate limits a call counts against.
func (t *accessToken) principal() string {
	if t.kind == tokenGrantless {
		return "application/" + t.subject
	}
	return "seller/" + t.subject
}

// grants returns the data elements a restricted data token grants for a
// request, and whether it covers the request at all. A resource path may be
// concrete or use {placeholders} for whole segments.
func (t *accessToken) grants(method, path string) ([]string, bool) {
	for _, res := range t.resources {
		if res.Method == method && pathMatches(res.Path, path) {
			return res.DataElements, true
		}
	}
	return nil, false
}

func pathMatches(pattern, path string) bool {
	ps, ss := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(ss) {
		return false
	}
	for i := range ps {
		if ps[i] != ss[i] && !(strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}")) {
			return false
		}
	}
	return true
}

// issueToken stores a new token with the given prefix ("Atza|" for LWA,
// "Atz.sprdt|" for restricted data tokens). The caller holds s.mu.
func (s *Server) issueToken(prefix string, t *accessToken) string {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand)
	value := prefix + base64.RawURLEncoding.EncodeToString(raw[:])
	if len(s.tokens) > 1000 {
		for v, old := range s.tokens {
			if !old.expires.After(t.expires.Add(-tokenLifetime)) {
				delete(s.tokens, v)
			}
		}
	}
	s.tokens[value] = t
	return value
}

// authenticate checks the x-amz-access-token header the way SP-API does:
// 403 Unauthorized for a missing, unknown or expired token, or one of the
// wrong kind (a seller token on a grantless operation or the reverse; a
// restricted data token that does not cover the request). The caller holds
// s.mu.
func (s *Server) authenticate(r *http.Request, o *operation, now time.Time) (*accessToken, *response) {
	deny := func(details string) (*accessToken, *response) {
		resp := unauthorized(details)
		return nil, &resp
	}
	value := r.Header.Get("x-amz-access-token")
	if value == "" {
		return deny("The request has no x-amz-access-token header.")
	}
	t := s.tokens[value]
	switch {
	case t == nil:
		return deny("The access token you provided is revoked, malformed or invalid.")
	case !now.Before(t.expires):
		return deny("The access token you provided has expired.")
	case o.grantless && t.kind != tokenGrantless:
		return deny("This operation is grantless: use an LWA token from the client_credentials grant.")
	case !o.grantless && t.kind == tokenGrantless:
		return deny("A grantless token cannot call an operation on behalf of a selling partner.")
	case t.kind == tokenRestricted:
		if _, ok := t.grants(r.Method, r.URL.Path); !ok {
			return deny("The restricted data token does not grant access to this resource.")
		}
	}
	return t, nil
}

// containsAll reports whether have holds every element of want.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
