package spapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
)

const queues = "https://sqs.us-east-1.amazonaws.com/123456789012/"

func sqsNeed(pipeline, typ, queue string) spapi.PipelineNeed {
	url := ""
	if queue != "" {
		url = queues + queue
	}
	return spapi.PipelineNeed{Pipeline: pipeline, NotificationNeed: spapi.NotificationNeed{Type: typ, QueueURL: url, QueueOption: "sqs.queue_url"}}
}

// states returns the state of every subscription and destination of r.
func states(r *spapi.SubscriptionReport) map[string]spapi.SubscriptionState {
	out := map[string]spapi.SubscriptionState{}
	for _, s := range r.Subscriptions {
		out[s.Type] = s.State
	}
	for _, d := range r.Destinations {
		out[d.Resource] = d.State
	}
	return out
}

func TestSubscriptions_apply_creates_what_is_missing_once_and_leaves_conflicts(t *testing.T) {
	clock := component.WallClock{}
	sim := startSimulator(t, clock, "orders_per_hour: 0\nsettlement_period: 0s\n")
	conn := startConnection(t, clock, onSimulator(sim))
	ctx := context.Background()
	targets := spapi.NotificationTargets{Connection: "amazon", EventBridge: &spapi.EventBridgeConfig{Region: "us-east-1", AccountID: "123456789012"}}

	// Someone else subscribed FEED_PROCESSING_FINISHED to their queue.
	other, err := conn.PlanSubscriptions(ctx, []spapi.PipelineNeed{sqsNeed("theirs", "FEED_PROCESSING_FINISHED", "someone-else")}, targets)
	require.NoError(t, err)
	require.NoError(t, conn.ApplySubscriptions(ctx, other))

	needs := []spapi.PipelineNeed{
		sqsNeed("orders", "ORDER_CHANGE", "orders"),
		sqsNeed("settlements", "REPORT_PROCESSING_FINISHED", "orders"),
		sqsNeed("inventory", "FEED_PROCESSING_FINISHED", "feeds"),
		sqsNeed("fba", "FBA_INVENTORY_AVAILABILITY_CHANGES", ""),
		sqsNeed("mcf", "FULFILLMENT_ORDER_STATUS", "mcf.fifo"),
		{Pipeline: "listings", NotificationNeed: spapi.NotificationNeed{Type: "LISTINGS_ITEM_STATUS_CHANGE"}},
	}
	plan, err := conn.PlanSubscriptions(ctx, needs, targets)
	require.NoError(t, err)
	want := map[string]spapi.SubscriptionState{
		"ORDER_CHANGE":                              spapi.StateMissing,
		"REPORT_PROCESSING_FINISHED":                spapi.StateMissing,
		"FEED_PROCESSING_FINISHED":                  spapi.StateConflict,
		"FBA_INVENTORY_AVAILABILITY_CHANGES":        spapi.StateUnconfigured,
		"FULFILLMENT_ORDER_STATUS":                  spapi.StateRefused,
		"LISTINGS_ITEM_STATUS_CHANGE":               spapi.StateMissing,
		"arn:aws:sqs:us-east-1:123456789012:orders": spapi.StateMissing,
		"arn:aws:sqs:us-east-1:123456789012:feeds":  spapi.StateMissing,
		"eventbridge:us-east-1:123456789012":        spapi.StateMissing,
	}
	assert.Equal(t, want, states(plan))
	assert.True(t, plan.Pending())
	assert.True(t, plan.Problems())

	require.NoError(t, conn.ApplySubscriptions(ctx, plan))
	for _, k := range []string{"ORDER_CHANGE", "REPORT_PROCESSING_FINISHED", "LISTINGS_ITEM_STATUS_CHANGE",
		"arn:aws:sqs:us-east-1:123456789012:orders", "arn:aws:sqs:us-east-1:123456789012:feeds", "eventbridge:us-east-1:123456789012"} {
		want[k] = spapi.StateCreated
	}
	assert.Equal(t, want, states(plan))

	again, err := conn.PlanSubscriptions(ctx, needs, targets)
	require.NoError(t, err)
	for k, s := range want {
		if s == spapi.StateCreated {
			want[k] = spapi.StateExists
		}
	}
	assert.Equal(t, want, states(again))
	assert.False(t, again.Pending())
	for i, s := range again.Subscriptions {
		assert.Equal(t, plan.Subscriptions[i].SubscriptionID, s.SubscriptionID, s.Type)
	}
	require.NoError(t, conn.ApplySubscriptions(ctx, again))
	assert.Equal(t, want, states(again), "a second apply changes nothing")

	theirs, err := conn.PlanSubscriptions(ctx, []spapi.PipelineNeed{sqsNeed("theirs", "FEED_PROCESSING_FINISHED", "someone-else")}, targets)
	require.NoError(t, err)
	assert.Equal(t, spapi.StateExists, theirs.Subscriptions[0].State, "the other subscription is untouched")
}
