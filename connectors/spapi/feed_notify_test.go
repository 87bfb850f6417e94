package spapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const (
	getFeedOp = "getFeed"
	// feedNotifyYAML is feedYAML with notifications and getFeed pushed far
	// out, so a result can only come by notification.
	feedNotifyYAML = `
sku: msg.sku
patches: []
flush: {max_messages: 100, window: 1m}
poll_every: 1000h
notifications: {path: /hooks/feeds, auth: {header: X-Hook-Token, token: s3cret}}`
	feedPush = "notify: {types: {FEED_PROCESSING_FINISHED: /hooks/feeds}, " + pushToken + "}\n"
)

// runFeed writes feedMessages to a started sink and drives the clock until
// its feed is done: the bad SKU dead-lettered, no feed left in State.
func runFeed(t *testing.T, e *env, clock *componenttest.ManualClock, sink component.Sink, set component.SinkSettings) {
	t.Helper()
	t.Cleanup(func() { _ = sink.Shutdown(context.Background()) })
	require.NoError(t, sink.Write(componenttest.Context(t), feedMessages()))
	drive(t, clock, e.sim, 10*time.Second, 200, func() bool {
		return e.dead.Len() == 1 && len(stateKeys(t, set.State, "feed/")) == 0
	})
	assert.Equal(t, "inv-2", e.dead.Msgs[0].ID)
	assert.Contains(t, e.dead.Reasons[0].Error(), "SKU NO-SUCH-SKU rejected by JSON_LISTINGS_FEED")
}

// A feed's processing report is read when its FEED_PROCESSING_FINISHED
// notification comes, without a getFeed call; polling alone needs getFeed
// to learn the same.
func TestFeed_results_arrive_by_notification_without_getFeed(t *testing.T) {
	t.Run("polling alone", func(t *testing.T) {
		clock := componenttest.NewManualClock(epoch)
		e := newEnv(t, clock, "", "")
		set := e.sinkSettings()
		runFeed(t, e, clock, newFeedSink(t, set), set)
		assert.Positive(t, e.sim.Stats().Calls[getFeedOp])
	})
	t.Run("notification", func(t *testing.T) {
		clock := componenttest.NewManualClock(epoch)
		e := newEnv(t, clock, feedPush, "")
		set := e.sinkSettings()
		set.HTTP = e.mux
		sink := newFeedSinkFrom(t, set, feedNotifyYAML)
		require.NoError(t, sink.Start(context.Background()))
		runFeed(t, e, clock, sink, set)
		assert.Zero(t, e.sim.Stats().Calls[getFeedOp])
		// The simulator marks the push delivered once it has the answer,
		// which may come after the sink already used the notification.
		componenttest.WaitFor(t, "the notification marked delivered", func() bool {
			notes := e.sim.NotificationsOfType(models.FeedProcessingFinished)
			return len(notes) == 1 && notes[0].Delivered
		})
	})
}

// In a cluster the webhook may land on one engine while another runs the
// feed's loop: the announcement goes into the state every engine shares,
// where the other engine's sink finds it.
func TestFeed_announcement_received_by_another_engine_finishes_the_feed(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, feedPush, "")
	shared := componenttest.NewMemShared()
	engine := func(http component.HTTPRegistrar) (component.SinkSettings, component.Sink) {
		set := e.sinkSettings()
		set.State = componenttest.NewMemState()
		set.Connection = startSharedConnection(t, clock, shared, onSimulator(e.sim))
		set.HTTP = http
		sink := newFeedSinkFrom(t, set, feedNotifyYAML)
		require.NoError(t, sink.Start(context.Background()))
		return set, sink
	}
	_, receiving := engine(e.mux) // the simulator pushes to this engine's path
	t.Cleanup(func() { _ = receiving.Shutdown(context.Background()) })
	set, sending := engine(componenttest.NewMux())
	runFeed(t, e, clock, sending, set)
	assert.Zero(t, e.sim.Stats().Calls[getFeedOp])
}

// FEED_PROCESSING_FINISHED reaches a feed sink through its SQS queue
// (Amazon delivers the type only to SQS): the feed's report is read without
// a getFeed call, and the message is deleted once recorded.
func TestFeed_results_arrive_through_an_sqs_queue(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	q := newQueue(t, clock)
	e.conn = startConnection(t, clock, "retry: {max_attempts: 3, backoff: 1s, max_backoff: 4s}\n"+onSimulator(e.sim)+q.access())
	set := e.sinkSettings()
	sink := newFeedSinkFrom(t, set, strings.Replace(feedNotifyYAML,
		"notifications: {path: /hooks/feeds, auth: {header: X-Hook-Token, token: s3cret}}",
		"notifications: {sqs: {queue_url: '"+q.url+"', visibility_timeout: 10s}}", 1))
	require.NoError(t, sink.Start(context.Background()))
	t.Cleanup(func() { _ = sink.Shutdown(context.Background()) })

	require.NoError(t, sink.Write(componenttest.Context(t), feedMessages()))
	relayed := map[string]bool{} // Amazon's delivery to the queue
	drive(t, clock, e.sim, 10*time.Second, 200, func() bool {
		for _, n := range e.sim.NotificationsOfType(models.FeedProcessingFinished) {
			if !relayed[n.ID] {
				relayed[n.ID] = true
				q.send(t, n.Body)
			}
		}
		return e.dead.Len() == 1 && len(stateKeys(t, set.State, "feed/")) == 0 && q.empty()
	})
	assert.Equal(t, "inv-2", e.dead.Msgs[0].ID)
	assert.Zero(t, e.sim.Stats().Calls[getFeedOp], "the result came by the queue")
	assert.Len(t, relayed, 1)
}
