package simulator_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// deliverySim is a started simulator pushing to a hook and sending to an
// in-process SQS server on the same clock, with queues "orders" and
// "orders.fifo".
type deliverySim struct {
	*sim
	hook   *hook
	queues *sqsserver.Server
}

func newDeliverySim(t *testing.T) *deliverySim {
	t.Helper()
	clock := componenttest.NewManualClock(epoch)
	queues := sqsserver.New(sqsserver.Options{Clock: clock, AccountID: "123456789012"})
	require.NoError(t, queues.Start())
	t.Cleanup(func() { require.NoError(t, queues.Close()) })
	for _, q := range []string{"orders", "orders.fifo"} {
		_, err := queues.CreateQueue(q, nil)
		require.NoError(t, err)
	}
	h := &hook{}
	srv, _ := pushingSim(t, h, func(c *simulator.Config) {
		c.Clock, c.Notify.SQSEndpoint = clock, queues.URL()
	})
	s := &sim{t: t, srv: srv, clock: clock, base: srv.URL(), contract: newContractRecorder(srv), client: http.DefaultClient}
	s.token = s.login()
	return &deliverySim{sim: s, hook: h, queues: queues}
}

// subscribe subscribes ORDER_CHANGE to a new destination with spec.
func (d *deliverySim) subscribe(spec map[string]any) {
	d.t.Helper()
	dest := d.callAs(d.grantless(), http.MethodPost, "/notifications/v1/destinations", map[string]any{"name": "dest", "resourceSpecification": spec})
	require.Equal(d.t, http.StatusOK, dest.status, string(dest.body))
	id := dest.json(d.t)["payload"].(map[string]any)["destinationId"]
	sub := d.call(http.MethodPost, "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": id})
	require.Equal(d.t, http.StatusOK, sub.status, string(sub.body))
}

func sqsDestination(queue string) map[string]any {
	return map[string]any{"sqs": map[string]string{"arn": "arn:aws:sqs:us-east-1:123456789012:" + queue}}
}

func TestDelivery_sends_a_notification_to_its_subscriptions_sqs_queue(t *testing.T) {
	d := newDeliverySim(t)
	d.subscribe(sqsDestination("orders"))
	_, err := d.srv.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)

	require.Eventually(t, func() bool { s, _ := d.queues.Stats("orders"); return s.Visible == 1 }, componenttest.WaitLimit, time.Millisecond)
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(d.queues.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")})
	out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(d.queues.URL() + "/123456789012/orders")})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	note := d.srv.Notifications()[0]
	assert.JSONEq(t, string(note.Body), aws.ToString(out.Messages[0].Body), "the raw notification, as Amazon puts it in SQS")
	h, err := models.ValidateNotification([]byte(aws.ToString(out.Messages[0].Body)))
	require.NoError(t, err)
	assert.Equal(t, models.OrderChange, h.Type)
	assert.True(t, d.srv.Notifications()[0].Delivered)
	assert.Zero(t, d.hook.count(), "not pushed to the webhook URL")
}

func TestDelivery_sends_nothing_to_a_fifo_queue(t *testing.T) {
	d := newDeliverySim(t)
	d.subscribe(sqsDestination("orders.fifo"))
	_, err := d.srv.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)

	note := d.srv.Notifications()[0]
	assert.Contains(t, note.LastError, "FIFO queue")
	assert.Zero(t, note.Attempts, "never sent")
	s, _ := d.queues.Stats("orders.fifo")
	assert.Equal(t, sqsserver.QueueStats{}, s)
	assert.Zero(t, d.hook.count())
}

// Amazon delivers ORDER_CHANGE only to SQS: a subscription of it to an
// EventBridge destination is refused, and notifications keep going where
// they went. (The simulator generates no type Amazon sends to EventBridge
// yet, so the EventBridge route has no notification to carry.)
func TestDelivery_refuses_ORDER_CHANGE_to_an_eventbridge_destination(t *testing.T) {
	d := newDeliverySim(t)
	dest := d.callAs(d.grantless(), http.MethodPost, "/notifications/v1/destinations", map[string]any{
		"name": "bus", "resourceSpecification": map[string]any{"eventBridge": map[string]string{"region": "us-east-1", "accountId": "123456789012"}},
	})
	require.Equal(t, http.StatusOK, dest.status, string(dest.body))
	id := dest.json(t)["payload"].(map[string]any)["destinationId"]
	sub := d.call(http.MethodPost, "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": id})
	assert.Equal(t, http.StatusBadRequest, sub.status, string(sub.body))
	_, err := d.srv.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return d.hook.count() == 1 }, componenttest.WaitLimit, time.Millisecond)
	d.hook.mu.Lock()
	body := d.hook.bodies[0]
	d.hook.mu.Unlock()
	assert.JSONEq(t, string(d.srv.Notifications()[0].Body), string(body), "the raw notification, as without a subscription")
}

func TestDelivery_without_a_subscription_pushes_to_the_configured_url(t *testing.T) {
	d := newDeliverySim(t)
	_, err := d.srv.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return d.hook.count() == 1 }, componenttest.WaitLimit, time.Millisecond)
	d.hook.mu.Lock()
	body := d.hook.bodies[0]
	d.hook.mu.Unlock()
	assert.JSONEq(t, string(d.srv.Notifications()[0].Body), string(body), "the raw notification (envelope sqs)")
}
