package lwa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
)

// Error is a failed token exchange. It never carries the credentials.
type Error struct {
	// Status is the HTTP status (0 when the endpoint was not reached).
	Status int
	// Code and Description are LWA's "error" and "error_description".
	Code, Description string
	// Err is the transport error when the endpoint was not reached.
	Err error
}

// Error describes the failed exchange without the credentials.
func (e *Error) Error() string {
	if e.Err != nil {
		return "lwa token exchange: " + e.Err.Error()
	}
	msg := fmt.Sprintf("lwa token exchange: HTTP %d", e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// Unwrap returns the transport error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether retrying may succeed: the endpoint was not
// reached, timed out, throttled, or failed on its side. Rejected
// credentials (other 4xx) are not temporary.
func (e *Error) Temporary() bool {
	return e.Err != nil || httpretry.RetryableStatus(e.Status)
}

type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func (s *Source) fetch(ctx context.Context, scope string) (string, time.Duration, error) {
	form := url.Values{"client_id": {s.cfg.ClientID}, "client_secret": {*s.secret.Load()}}
	if scope == "" {
		if s.cfg.RefreshToken == "" {
			return "", 0, &Error{Err: errors.New("no refresh token configured")}
		}
		form.Set("grant_type", "refresh_token")
		form.Set("refresh_token", s.cfg.RefreshToken)
	} else {
		form.Set("grant_type", "client_credentials")
		form.Set("scope", scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.Endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &Error{Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	if s.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", s.cfg.UserAgent)
	}
	resp, err := s.cfg.HTTP.Do(req)
	if err != nil {
		return "", 0, &Error{Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", 0, &Error{Status: resp.StatusCode, Err: err}
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(data, &tr)
	if resp.StatusCode != http.StatusOK {
		return "", 0, &Error{Status: resp.StatusCode, Code: tr.Error, Description: tr.ErrorDescription}
	}
	if jsonErr != nil || tr.AccessToken == "" {
		return "", 0, &Error{Status: resp.StatusCode, Description: "response without an access token"}
	}
	ttl := time.Duration(tr.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = time.Hour
	}
	return tr.AccessToken, ttl, nil
}
