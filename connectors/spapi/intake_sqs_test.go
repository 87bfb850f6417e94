package spapi_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// queue is an in-process SQS server on the test's clock with one queue,
// and an SDK client sending to it.
type queue struct {
	srv    *sqsserver.Server
	url    string
	client *sqs.Client
}

func newQueue(t *testing.T, clock component.Clock) *queue {
	t.Helper()
	srv := sqsserver.New(sqsserver.Options{Clock: clock})
	require.NoError(t, srv.Start())
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	url, err := srv.CreateQueue("sp-api", map[string]string{"VisibilityTimeout": "30"})
	require.NoError(t, err)
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")})
	return &queue{srv: srv, url: url, client: client}
}

func (q *queue) send(t *testing.T, bodies ...[]byte) {
	t.Helper()
	for _, b := range bodies {
		_, err := q.client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(q.url), MessageBody: aws.String(string(b))})
		require.NoError(t, err)
	}
}

// empty reports whether every message was deleted.
func (q *queue) empty() bool {
	s, _ := q.srv.Stats("sp-api")
	return s == sqsserver.QueueStats{}
}

// access is the connection option reaching q.
func (q *queue) access() string {
	return fmt.Sprintf("notifications: {sqs: {endpoint: '%s', access_key_id: AKID, secret_access_key: secret}}\n", q.srv.URL())
}

// flakyPublisher fails while fail is set.
type flakyPublisher struct {
	componenttest.Publisher
	fail atomic.Bool
}

func (p *flakyPublisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	if p.fail.Load() {
		return component.Retryable(errors.New("stream unavailable"))
	}
	return p.Publisher.Publish(ctx, msgs...)
}

// newSQSNotifications starts an spapi.notifications source reading q,
// with a connection giving the AWS access.
func newSQSNotifications(t *testing.T, clock component.Clock, q *queue, pub component.Publisher, dead *componenttest.DeadLetters) {
	t.Helper()
	f := spapi.NewNotificationsFactory()
	cfg := componenttest.DecodeConfig(t, f, fmt.Sprintf("{sqs: {queue_url: '%s', visibility_timeout: 10s}, types: %s}", q.url, allTypes))
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "n/source"), Publisher: pub, DeadLetter: dead}
	set.Clock = clock
	set.Connection = startConnection(t, clock, minimalConnection+q.access())
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	start(t, src)
}

func TestNotifications_from_sqs_are_published_then_deleted(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	q := newQueue(t, clock)
	var ids []string
	for i, ex := range schemaExamples(t) {
		body := ex.body
		if i%2 == 1 {
			body = eventBridge(body)
		}
		q.send(t, body)
		h, err := models.ParseNotificationHeader(ex.body)
		require.NoError(t, err)
		ids = append(ids, h.ID)
	}
	q.send(t, schemaExamples(t)[0].body) // a duplicate
	pub, dead := &componenttest.Publisher{}, &componenttest.DeadLetters{}
	newSQSNotifications(t, clock, q, pub, dead)

	require.Eventually(t, q.empty, componenttest.WaitLimit, time.Millisecond, "every message deleted")
	var got []string
	for _, m := range pub.Messages() {
		got = append(got, m.ID)
		assert.NotEmpty(t, m.Meta(spapi.MetaNotificationType))
	}
	assert.ElementsMatch(t, uniq(ids), got, "one message per NotificationId")
	assert.Zero(t, dead.Len())
}

func TestNotifications_from_sqs_that_are_invalid_are_dead_lettered_then_deleted(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	q := newQueue(t, clock)
	q.send(t, []byte(`{"NotificationType":"ORDER_CHANGE"}`), []byte("not json"))
	pub, dead := &componenttest.Publisher{}, &componenttest.DeadLetters{}
	newSQSNotifications(t, clock, q, pub, dead)

	require.Eventually(t, q.empty, componenttest.WaitLimit, time.Millisecond)
	msgs, reasons := dead.Records()
	require.Len(t, msgs, 2)
	assert.Empty(t, pub.Messages())
	for i, m := range msgs {
		assert.NotEmpty(t, m.Meta(spapi.MetaSQSMessageID))
		assert.Contains(t, reasons[i].Error(), "SQS notification "+m.Meta(spapi.MetaSQSMessageID))
		assert.True(t, component.IsPermanent(reasons[i]))
	}
}

func TestNotifications_from_sqs_stay_queued_until_they_are_published(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	q := newQueue(t, clock)
	ex := schemaExamples(t)[0]
	q.send(t, ex.body)
	pub := &flakyPublisher{}
	pub.fail.Store(true)
	newSQSNotifications(t, clock, q, pub, &componenttest.DeadLetters{})

	// Received, not published: left in flight until its visibility
	// timeout (10s) ends.
	require.Eventually(t, func() bool { s, _ := q.srv.Stats("sp-api"); return s.InFlight == 1 }, componenttest.WaitLimit, time.Millisecond)
	pub.fail.Store(false)
	deadline := time.Now().Add(componenttest.WaitLimit)
	for !q.empty() {
		require.True(t, time.Now().Before(deadline), "the message was not published again")
		clock.Advance(time.Second)
		time.Sleep(5 * time.Millisecond)
	}
	require.Len(t, pub.Messages(), 1)
	h, err := models.ParseNotificationHeader(ex.body)
	require.NoError(t, err)
	assert.Equal(t, h.ID, pub.Messages()[0].ID)
}

func TestOrders_notifications_from_sqs_are_fetched_once(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	q := newQueue(t, clock)
	o, err := e.sim.CreateOrder(simulator.OrderSpec{})
	require.NoError(t, err)
	notes := e.sim.Notifications()
	require.Len(t, notes, 1)
	q.send(t, notes[0].Body, notes[0].Body) // Amazon delivers at least once

	f := spapi.NewOrdersFactory()
	cfg := componenttest.DecodeConfig(t, f, fmt.Sprintf("{poll: {enabled: false}, notifications: {sqs: {queue_url: '%s'}}}", q.url))
	set := e.sourceSettings()
	pub := &countingPublisher{}
	set.Publisher = pub
	set.Connection = startConnection(t, clock, onSimulator(e.sim)+q.access())
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	start(t, src)

	drive(t, clock, e.sim, time.Second, 100, func() bool { return len(pub.Messages()) == 1 && q.empty() })
	assert.Equal(t, orderID(o), pub.Messages()[0].ID)
	assert.Equal(t, "notification", pub.Messages()[0].Meta(spapi.MetaVia))
	assert.Equal(t, 1, e.sim.Stats().Calls[getOrderOp], "both deliveries collapse to one fetch")
	require.Eventually(t, func() bool { return e.counter(t, "pipewright_spapi_sqs_messages_total") == 4 }, componenttest.WaitLimit, time.Millisecond,
		"two messages made durable and deleted")
	assert.Zero(t, e.dead.Len())
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
