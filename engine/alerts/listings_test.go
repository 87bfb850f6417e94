package alerts_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/service"
)

func listing(sku, severity string, actions ...string) service.ListingIssue {
	return service.ListingIssue{SKU: sku, Marketplace: "ATVPDKIKX0DER", Severity: severity, Severities: []string{severity}, Actions: actions}
}

func TestWatcher_tells_new_listing_problems_once_and_their_clearing(t *testing.T) {
	hook, _, src, clock, w := newRig(t)
	ctx := context.Background()
	w.Check(ctx)
	assert.Empty(t, hook.got())

	src.setListings(listing("SKU-1", "ERROR", "SEARCH_SUPPRESSED"))
	w.Check(ctx)
	require.Len(t, hook.got(), 1)
	assert.Contains(t, hook.got()[0], "[pipewright] 1 listing problem(s): ERROR SKU SKU-1")
	assert.Contains(t, hook.got()[0], "ERROR SKU SKU-1 in ATVPDKIKX0DER: SEARCH_SUPPRESSED")
	assert.Contains(t, hook.got()[0], "http://pipewright.example:8080/console/listings")
	w.Check(ctx)
	assert.Len(t, hook.got(), 1, "told once")

	// A second problem within the rate limit waits for the interval.
	src.setListings(listing("SKU-1", "ERROR", "SEARCH_SUPPRESSED"), listing("SKU-2", "WARNING"))
	clock.Advance(10 * time.Minute)
	w.Check(ctx)
	assert.Len(t, hook.got(), 1)
	clock.Advance(25 * time.Minute)
	w.Check(ctx)
	require.Len(t, hook.got(), 2)
	assert.Contains(t, hook.got()[1], "WARNING SKU SKU-2")
	assert.NotContains(t, hook.got()[1], "SKU-1 in", "SKU-1 was told already")

	// Clearing is told at once.
	src.setListings(listing("SKU-2", "WARNING"))
	w.Check(ctx)
	require.Len(t, hook.got(), 3)
	assert.Contains(t, hook.got()[2], "recovered: 1 listing problem(s) cleared")
	assert.Contains(t, hook.got()[2], "SKU-1@ATVPDKIKX0DER")
}

// On a running engine, a listing recorded on its board with an issue is
// alerted; the update that clears it is told as a recovery.
func TestAddon_alerts_a_listing_problem_on_the_board_and_its_clearing(t *testing.T) {
	hook := newWebhookReceiver(t)
	e := startEngine(t, map[string]string{
		"pipewright.yaml": "project: shop\nalerts:\n  webhook: { url: \"${env:HOOK}\" }\n  check_every: 50ms\n",
		"orders.yaml":     "pipeline: orders\nsource: { test.lines: { path: in.jsonl } }\nsink: { test.nop: {} }\n",
		"in.jsonl":        "",
	}, hook.URL)
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	require.NoError(t, e.Listings().Record(context.Background(), component.ListingUpdate{SKU: "MUG-01", Marketplace: "ATVPDKIKX0DER",
		At: at, Severities: []string{"ERROR"}, Actions: []string{"LISTING_SUPPRESSED"}}))
	require.Eventually(t, func() bool { return len(hook.got()) > 0 }, 90*time.Second, 20*time.Millisecond, "an alert")
	assert.Contains(t, hook.got()[0], "ERROR SKU MUG-01 in ATVPDKIKX0DER: LISTING_SUPPRESSED")

	require.NoError(t, e.Listings().Record(context.Background(), component.ListingUpdate{SKU: "MUG-01", Marketplace: "ATVPDKIKX0DER",
		At: at.Add(time.Hour), Severities: []string{}, Actions: []string{}}))
	require.Eventually(t, func() bool { return len(hook.got()) > 1 }, 90*time.Second, 20*time.Millisecond, "a recovery")
	assert.Contains(t, hook.got()[1], "recovered: 1 listing problem(s) cleared")
	assert.Len(t, hook.got(), 2)
}
