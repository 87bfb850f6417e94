package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const ordersQueue = "sp-api-orders"

// The reference directory with ORDER_CHANGE notifications through an SQS
// queue, as Amazon delivers them: the simulator is subscribed to the queue
// through its Notifications API and sends to an in-process SQS server; the
// engine (a `pipewright run` process) long-polls it. The engine is killed
// with SIGKILL between receiving a notification (made durable) and
// deleting it; the restarted engine receives it again after its
// visibility timeout. Every order is in Sage exactly once.
func TestReference_orders_through_sqs_with_a_kill_between_receive_and_delete(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	t.Parallel()
	// The queue runs ten times faster than real time, not as fast as the
	// world (150): a minute's visibility timeout is 6s, which the engine
	// renews in time on a busy machine, and a long poll 2s.
	qclock := component.NewScaledClock(time.Now(), 10)
	var queues *sqsserver.Server
	h := newHAWorld(t, referenceDir, 150, nil, 1, func(c *simulator.Config) {
		queues = sqsserver.New(sqsserver.Options{Clock: qclock, AccountID: "123456789012"})
		require.NoError(t, queues.Start())
		t.Cleanup(func() { _ = queues.Close() })
		c.Notify.SQSEndpoint = queues.URL()
	})
	queueURL, err := queues.CreateQueue(ordersQueue, nil)
	require.NoError(t, err)
	subscribe(t, h.sim.URL(), models.OrderChange, queues.QueueARN(ordersQueue))
	h.env["SQS_ORDERS_QUEUE_URL"] = queueURL
	h.env["SQS_ENDPOINT"] = queues.URL()
	h.env["SQS_ACCESS_KEY_ID"], h.env["SQS_SECRET_ACCESS_KEY"] = "e2e-key", "e2e-secret"

	// The first delete waits: the engine has made that notification
	// durable and is killed before SQS deletes it.
	queues.HoldDeletes()
	startAll(t, h)
	componenttest.WaitFor(t, "the engine to delete a notification it made durable", func() bool { return queues.HeldDeletes() > 0 })
	h.engine(0).kill()
	killedAt := qclock.Now()
	h.logPhase("engine killed holding a delete")
	queues.ReleaseDeletes()
	stats, _ := queues.Stats(ordersQueue)
	require.Positive(t, stats.InFlight+stats.Visible, "the notification whose delete died is still in the queue")

	h.launch(0).waitHealthy(t)
	h.runFor(time.Hour)
	componenttest.WaitFor(t, "every notification sent before the kill to be deleted", func() bool {
		oldest := queues.OldestSent(ordersQueue)
		return oldest.IsZero() || oldest.After(killedAt)
	})
	cutoff := h.clock.Now().Add(-45 * time.Minute)
	orders := h.settle("orders", func(p *problems) int { return h.checkOrders(p, cutoff) })
	assert.Greater(t, orders, 10, "orders checked")

	sent := 0
	for _, n := range h.sim.Notifications() {
		if n.Type == "" { // ORDER_CHANGE
			assert.Empty(t, n.LastError, "notification %s", n.ID)
			if n.Delivered {
				sent++
			}
		}
	}
	assert.Greater(t, sent, 10, "ORDER_CHANGE notifications sent to SQS")
}

// subscribe creates an SQS destination for arn and subscribes typ to it,
// through the simulator's Notifications API as an operator would.
func subscribe(t *testing.T, sim, typ, arn string) {
	t.Helper()
	grantless := lwaToken(t, sim, url.Values{"grant_type": {"client_credentials"}, "scope": {"sellingpartnerapi::notifications"}})
	seller := lwaToken(t, sim, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {simulator.DemoRefreshToken}})
	var dest struct {
		Payload struct {
			DestinationID string `json:"destinationId"`
		} `json:"payload"`
	}
	spapiCall(t, sim+"/notifications/v1/destinations", grantless, map[string]any{
		"name": "orders-queue", "resourceSpecification": map[string]any{"sqs": map[string]string{"arn": arn}},
	}, &dest)
	spapiCall(t, sim+"/notifications/v1/subscriptions/"+typ, seller, map[string]any{
		"payloadVersion": "1.0", "destinationId": dest.Payload.DestinationID,
	}, nil)
}

func lwaToken(t *testing.T, sim string, form url.Values) string {
	t.Helper()
	form.Set("client_id", simulator.DemoClientID)
	form.Set("client_secret", simulator.DemoClientSecret)
	resp, err := http.PostForm(sim+"/auth/o2/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	return tok.AccessToken
}

// spapiCall POSTs body with an access token and decodes the answer into
// out (when not nil).
func spapiCall(t *testing.T, url, token string, body, out any) {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(data))
	require.NoError(t, err)
	req.Header.Set("x-amz-access-token", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, url)
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
}
