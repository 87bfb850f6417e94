package simulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// apiStep is a call and the status it must get; an empty token is the
// seller's.
type apiStep struct {
	name   string
	token  string
	method string
	path   string
	body   any
	status int
}

// runSteps makes the calls in order and checks each status.
func (s *sim) runSteps(t *testing.T, steps []apiStep) {
	t.Helper()
	for _, st := range steps {
		token := st.token
		if token == "" {
			token = s.token
		}
		r := s.callAs(token, st.method, st.path, st.body)
		assert.Equal(t, st.status, r.status, "%s (%s %s): %s", st.name, st.method, st.path, r.body)
	}
}

func sqsDestinationNamed(name, arn string) map[string]any {
	return map[string]any{"name": name, "resourceSpecification": map[string]any{"sqs": map[string]string{"arn": arn}}}
}

func eventBridgeDestination(name, account string) map[string]any {
	return map[string]any{"name": name, "resourceSpecification": map[string]any{"eventBridge": map[string]string{"region": "us-east-1", "accountId": account}}}
}

// TestNotificationsAPI_answers_as_Amazon_does checks the rules Amazon
// applies to destinations and subscriptions, one call after the other.
func TestNotificationsAPI_answers_as_Amazon_does(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.EnforceRateLimits = false })
	grantless := s.grantless()
	const orders = "arn:aws:sqs:us-east-1:123456789012:orders"
	created := s.callAs(grantless, http.MethodPost, "/notifications/v1/destinations", sqsDestinationNamed("orders", orders))
	require.Equal(t, http.StatusOK, created.status, string(created.body))
	sqsID := created.json(t)["payload"].(map[string]any)["destinationId"].(string)
	bus := s.callAs(grantless, http.MethodPost, "/notifications/v1/destinations", eventBridgeDestination("bus", "123456789012"))
	require.Equal(t, http.StatusOK, bus.status, string(bus.body))
	busID := bus.json(t)["payload"].(map[string]any)["destinationId"].(string)

	s.runSteps(t, []apiStep{
		{"a second destination for the same queue is a conflict", grantless, "POST", "/notifications/v1/destinations", sqsDestinationNamed("other name", orders), 409},
		{"a destination name may repeat", grantless, "POST", "/notifications/v1/destinations", sqsDestinationNamed("orders", orders+"-2"), 200},
		{"one EventBridge destination per AWS account", grantless, "POST", "/notifications/v1/destinations", eventBridgeDestination("bus 2", "123456789012"), 409},
		{"an EventBridge destination in another account", grantless, "POST", "/notifications/v1/destinations", eventBridgeDestination("bus 3", "210987654321"), 200},
		{"a seller token cannot list destinations", "", "GET", "/notifications/v1/destinations", nil, 403},
		{"a grantless token cannot subscribe", grantless, "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": sqsID}, 403},
		{"ORDER_CHANGE cannot go to EventBridge", "", "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": busID}, 400},
		{"LISTINGS_ITEM_STATUS_CHANGE cannot go to SQS", "", "POST", "/notifications/v1/subscriptions/LISTINGS_ITEM_STATUS_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": sqsID}, 400},
		{"REPORT_PROCESSING_FINISHED needs its payload version", "", "POST", "/notifications/v1/subscriptions/REPORT_PROCESSING_FINISHED", map[string]any{"payloadVersion": "1.0", "destinationId": sqsID}, 400},
		{"no subscription yet", "", "GET", "/notifications/v1/subscriptions/ORDER_CHANGE", nil, 404},
		{"ORDER_CHANGE to the queue", "", "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": sqsID}, 200},
		{"REPORT_PROCESSING_FINISHED to the queue", "", "POST", "/notifications/v1/subscriptions/REPORT_PROCESSING_FINISHED", map[string]any{"payloadVersion": "2020-09-04", "destinationId": sqsID}, 200},
		{"LISTINGS_ITEM_STATUS_CHANGE to the bus", "", "POST", "/notifications/v1/subscriptions/LISTINGS_ITEM_STATUS_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": busID}, 200},
		{"a second ORDER_CHANGE subscription is a conflict", "", "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": sqsID}, 409},
		{"the subscription", "", "GET", "/notifications/v1/subscriptions/ORDER_CHANGE", nil, 200},
		{"a destination with subscriptions stays", grantless, "DELETE", "/notifications/v1/destinations/" + sqsID, nil, 409},
	})
	sub := s.call(http.MethodGet, "/notifications/v1/subscriptions/ORDER_CHANGE", nil).json(t)["payload"].(map[string]any)
	assert.Equal(t, sqsID, sub["destinationId"])
}

// TestNotificationsAPI_limits_calls_to_one_a_second_after_a_burst_of_five
// checks the usage plan of the Notifications API (1/s, burst 5) on a
// grantless and a seller operation.
func TestNotificationsAPI_limits_calls_to_one_a_second_after_a_burst_of_five(t *testing.T) {
	s := newSim(t)
	grantless := s.grantless()
	for _, c := range []struct{ token, path string }{
		{grantless, "/notifications/v1/destinations"},
		{s.token, "/notifications/v1/subscriptions/ORDER_CHANGE"},
	} {
		for i := range 5 {
			r := s.callAs(c.token, http.MethodGet, c.path, nil)
			require.NotEqual(t, http.StatusTooManyRequests, r.status, "%s call %d", c.path, i+1)
		}
		assert.Equal(t, http.StatusTooManyRequests, s.callAs(c.token, http.MethodGet, c.path, nil).status, c.path)
	}
}
