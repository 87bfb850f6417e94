package simulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

func TestLWA_grants_tokens_for_the_demo_credentials(t *testing.T) {
	s := newSim(t)
	tests := []struct {
		name       string
		grant      string
		extra      map[string]string
		wantScope  string
		wantPrefix string
	}{
		{"refresh token", "refresh_token", map[string]string{"refresh_token": simulator.DemoRefreshToken}, "", "Atza|"},
		{"client credentials", "client_credentials", map[string]string{"scope": "sellingpartnerapi::notifications"}, "sellingpartnerapi::notifications", "Atc|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := demoForm(tt.grant)
			for k, v := range tt.extra {
				form.Set(k, v)
			}
			status, body := s.lwa(form)
			require.Equal(t, http.StatusOK, status, body)
			assert.Contains(t, body["access_token"], tt.wantPrefix)
			assert.Equal(t, "bearer", body["token_type"])
			assert.EqualValues(t, 3600, body["expires_in"])
			if tt.wantScope != "" {
				assert.Equal(t, tt.wantScope, body["scope"])
			}
		})
	}
}

func TestLWA_rejects_bad_requests_in_LWA_error_shape(t *testing.T) {
	s := newSim(t)
	tests := []struct {
		name     string
		set      map[string]string
		wantCode string
	}{
		{"wrong client secret", map[string]string{"client_secret": "nope"}, "invalid_client"},
		{"wrong client id", map[string]string{"client_id": "amzn1.application-oa2-client.other"}, "invalid_client"},
		{"wrong refresh token", map[string]string{"refresh_token": "Atzr|stolen"}, "invalid_grant"},
		{"missing refresh token", map[string]string{"refresh_token": ""}, "invalid_request"},
		{"missing client id", map[string]string{"client_id": ""}, "invalid_request"},
		{"unknown grant", map[string]string{"grant_type": "password"}, "unsupported_grant_type"},
		{"grantless without scope", map[string]string{"grant_type": "client_credentials"}, "invalid_scope"},
		{"grantless with another scope", map[string]string{"grant_type": "client_credentials", "scope": "sellingpartnerapi::migration"}, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := demoForm("refresh_token")
			form.Set("refresh_token", simulator.DemoRefreshToken)
			for k, v := range tt.set {
				form.Set(k, v)
			}
			status, body := s.lwa(form)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, tt.wantCode, body["error"])
			assert.NotEmpty(t, body["error_description"])
			assert.NotContains(t, body["error_description"], "nope", "the error must not echo secrets")
		})
	}
}

func TestLWA_tokens_expire_after_an_hour_of_simulated_time(t *testing.T) {
	s := newSim(t)
	path := "/listings/2021-08-01/items/A1DEMOSELLER00/WB-0001-BK?marketplaceIds=ATVPDKIKX0DER"
	old := s.token
	require.Equal(t, http.StatusOK, s.callAs(old, http.MethodGet, path, nil).status)

	s.advance(59 * time.Minute)
	require.Equal(t, http.StatusOK, s.callAs(old, http.MethodGet, path, nil).status)

	s.advance(time.Minute)
	r := s.callAs(old, http.MethodGet, path, nil)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, "Unauthorized", errorCode(t, r))
	assert.Contains(t, string(r.body), "expired")
}

func TestAuth_checks_the_kind_of_token(t *testing.T) {
	s := newSim(t)
	grantless := s.grantless()
	tests := []struct {
		name   string
		token  string
		path   string
		status int
	}{
		{"no token", "", "/notifications/v1/subscriptions/ORDER_CHANGE", http.StatusForbidden},
		{"unknown token", "Atza|forged", "/notifications/v1/subscriptions/ORDER_CHANGE", http.StatusForbidden},
		{"grantless token on a seller operation", grantless, "/notifications/v1/subscriptions/ORDER_CHANGE", http.StatusForbidden},
		{"seller token on a grantless operation", s.token, "/notifications/v1/destinations", http.StatusForbidden},
		{"grantless token on a grantless operation", grantless, "/notifications/v1/destinations", http.StatusOK},
		{"seller token on a seller operation", s.token, "/notifications/v1/subscriptions/ORDER_CHANGE", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.callAs(tt.token, http.MethodGet, tt.path, nil)
			assert.Equal(t, tt.status, r.status, string(r.body))
		})
	}
}
