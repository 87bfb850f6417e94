package simulator

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// lwaPath is Login with Amazon's token endpoint.
const lwaPath = "/auth/o2/token"

// Grantless scopes LWA accepts with the client_credentials grant.
var grantlessScopes = []string{"sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation"}

// lwaError is LWA's error shape.
type lwaError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// lwaTokenResponse is LWA's token answer.
type lwaTokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// lwaToken serves the refresh_token and client_credentials grants. Wrong
// credentials, a wrong refresh token, a missing parameter or an unknown
// grant get 400 in LWA's error shape.
func (s *Server) lwaToken(w http.ResponseWriter, r *http.Request) {
	params, err := lwaParams(r)
	if err != nil {
		writeLWA(w, http.StatusBadRequest, lwaError{"invalid_request", "The request body could not be parsed."})
		return
	}
	resp, status := s.grant(params)
	writeLWA(w, status, resp)
}

func (s *Server) grant(p url.Values) (any, int) {
	bad := func(code, desc string) (any, int) { return lwaError{code, desc}, http.StatusBadRequest }
	grant := p.Get("grant_type")
	for _, name := range []string{"grant_type", "client_id", "client_secret"} {
		if p.Get(name) == "" {
			return bad("invalid_request", "The request is missing a required parameter : "+name)
		}
	}
	cred := s.cfg.Credentials
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	if !equalSecret(p.Get("client_id"), cred.ClientID) || !s.acceptsSecret(p.Get("client_secret"), now) {
		return bad("invalid_client", "Client authentication failed")
	}
	s.announceDue(now)
	switch grant {
	case "refresh_token":
		if p.Get("refresh_token") == "" {
			return bad("invalid_request", "The request is missing a required parameter : refresh_token")
		}
		if !equalSecret(p.Get("refresh_token"), cred.RefreshToken) {
			return bad("invalid_grant", "The request has an invalid grant parameter : refresh_token")
		}
		tok := s.issueToken("Atza|", &accessToken{kind: tokenSeller, subject: s.cfg.SellerID, expires: now.Add(tokenLifetime)})
		return lwaTokenResponse{AccessToken: tok, RefreshToken: cred.RefreshToken, TokenType: "bearer", ExpiresIn: int(tokenLifetime.Seconds())}, http.StatusOK
	case "client_credentials":
		scope := p.Get("scope")
		if scope == "" || !containsAll(grantlessScopes, strings.Fields(scope)) {
			return bad("invalid_scope", "The scope is invalid or not allowed for this client")
		}
		tok := s.issueToken("Atc|", &accessToken{kind: tokenGrantless, subject: cred.ClientID, expires: now.Add(tokenLifetime)})
		return lwaTokenResponse{AccessToken: tok, Scope: scope, TokenType: "bearer", ExpiresIn: int(tokenLifetime.Seconds())}, http.StatusOK
	}
	return bad("unsupported_grant_type", "The authorization grant type is not supported by the authorization server")
}

// lwaParams reads the form body LWA takes (or a JSON object, which LWA also
// accepts).
func lwaParams(r *http.Request) (url.Values, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]string
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&m); err != nil {
			return nil, err
		}
		v := url.Values{}
		for k, x := range m {
			v.Set(k, x)
		}
		return v, nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return r.PostForm, nil
}

func writeLWA(w http.ResponseWriter, status int, v any) {
	data, _ := encodeJSON(v) // plain structs of strings: cannot fail
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// equalSecret compares secrets in constant time.
func equalSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
