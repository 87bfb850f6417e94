package access_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/access"
)

func TestPolicy_needs_the_token_from_other_hosts_and_from_loopback_when_told(t *testing.T) {
	cases := []struct {
		name     string
		policy   access.Policy
		remote   string
		bearer   string
		session  bool
		decision access.Decision
	}{
		{"loopback is trusted by default", access.Policy{Token: "s3cret", TrustLoopback: true}, "127.0.0.1:5000", "", false, access.Allowed},
		{"IPv6 loopback too", access.Policy{TrustLoopback: true}, "[::1]:5000", "", false, access.Allowed},
		{"loopback needs the token when not trusted", access.Policy{Token: "s3cret"}, "127.0.0.1:5000", "", false, access.NeedToken},
		{"loopback with the token", access.Policy{Token: "s3cret"}, "127.0.0.1:5000", "s3cret", false, access.Allowed},
		{"another host without a token", access.Policy{Token: "s3cret", TrustLoopback: true}, "192.0.2.7:5000", "", false, access.NeedToken},
		{"another host with a wrong token", access.Policy{Token: "s3cret", TrustLoopback: true}, "192.0.2.7:5000", "nope", false, access.NeedToken},
		{"another host with the token", access.Policy{Token: "s3cret", TrustLoopback: true}, "192.0.2.7:5000", "s3cret", false, access.Allowed},
		{"another host with a session", access.Policy{Token: "s3cret", TrustLoopback: true}, "192.0.2.7:5000", "", true, access.Allowed},
		{"another host when no token is configured", access.Policy{TrustLoopback: true}, "192.0.2.7:5000", "", false, access.NoToken},
		{"an empty token never matches", access.Policy{TrustLoopback: true}, "192.0.2.7:5000", "", false, access.NoToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/dlq", nil)
			r.RemoteAddr = c.remote
			if c.bearer != "" {
				r.Header.Set("Authorization", "Bearer "+c.bearer)
			}
			assert.Equal(t, c.decision, c.policy.Check(r, c.session))
		})
	}
}

func TestCrossSite_tells_requests_from_other_sites(t *testing.T) {
	cases := []struct {
		name    string
		headers map[string]string
		cross   bool
	}{
		{"no browser headers (curl, the CLI)", nil, false},
		{"same origin by fetch metadata", map[string]string{"Sec-Fetch-Site": "same-origin"}, false},
		{"another site by fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, true},
		{"same origin header", map[string]string{"Origin": "http://engine.example:8080"}, false},
		{"another origin", map[string]string{"Origin": "http://evil.example"}, true},
		{"an opaque origin", map[string]string{"Origin": "null"}, true},
		{"referer of another host", map[string]string{"Referer": "http://evil.example/page"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://engine.example:8080/api/dlq/1/resolve", nil)
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			assert.Equal(t, c.cross, access.CrossSite(r))
		})
	}
}
