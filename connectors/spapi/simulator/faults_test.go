package simulator_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

const listingPath = "/listings/2021-08-01/items/A1DEMOSELLER00/WB-0001-BK?marketplaceIds=ATVPDKIKX0DER"

func TestFaults_error_rate_fails_calls_with_every_kind_of_retryable_error(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.Faults.ErrorRate = 1; c.EnforceRateLimits = false })
	s.client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // no silent retry of dropped calls
	kinds := map[string]int{}
	for range 60 {
		r, err := s.raw(s.token, http.MethodGet, listingPath, nil)
		if err != nil {
			kinds["dropped connection"]++
			continue
		}
		kinds[http.StatusText(r.status)]++
		s.contract.check(t, http.MethodGet, listingPath, r)
	}
	assert.Equal(t, 60, kinds["dropped connection"]+kinds["Too Many Requests"]+kinds["Internal Server Error"]+kinds["Service Unavailable"], kinds)
	for _, k := range []string{"dropped connection", "Too Many Requests", "Internal Server Error", "Service Unavailable"} {
		assert.Positive(t, kinds[k], k)
	}
}

func TestFaults_server_error_rate_answers_5xx_in_Amazons_shape(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.Faults.ServerErrorRate = 1; c.EnforceRateLimits = false })
	for range 10 {
		r := s.get(listingPath) // the contract check validates the error bodies
		assert.Contains(t, []int{500, 503}, r.status)
		assert.Contains(t, []string{"InternalFailure", "ServiceUnavailable"}, errorCode(t, r))
	}
}

func TestFaults_malformed_rate_cuts_successful_bodies(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.Faults.MalformedRate = 1; c.EnforceRateLimits = false })
	r, err := s.raw(s.token, http.MethodGet, listingPath, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, r.status)
	assert.False(t, json.Valid(r.body), "the body is cut: %s", r.body)

	notFound := s.get("/listings/2021-08-01/items/A1DEMOSELLER00/NOPE?marketplaceIds=ATVPDKIKX0DER")
	assert.Equal(t, http.StatusNotFound, notFound.status)
	assert.True(t, json.Valid(notFound.body), "errors stay well-formed")
}

func TestFaults_latency_delays_answers(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.Faults.Latency = 10 * time.Second })
	s.client = &http.Client{Timeout: 50 * time.Millisecond}
	_, err := s.raw(s.token, http.MethodGet, listingPath, nil)
	assert.Error(t, err, "a client that cannot wait 10s gives up")
}

func TestFaults_429_storm_throttles_every_call_for_its_window(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.Faults.StormAfter, c.Faults.StormFor = time.Hour, 10*time.Minute })
	assert.Equal(t, http.StatusOK, s.get(listingPath).status)
	s.advance(time.Hour)
	for range 3 {
		r := s.get(listingPath)
		assert.Equal(t, http.StatusTooManyRequests, r.status)
		assert.Equal(t, "QuotaExceeded", errorCode(t, r))
	}
	s.advance(10 * time.Minute)
	assert.Equal(t, http.StatusOK, s.get(listingPath).status)
	assert.Equal(t, 3, s.srv.Stats().Throttled["getListingsItem"])
}
