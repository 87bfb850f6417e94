package alerts_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

func guardEvent(rule, action, message string, deadLetter uint64) service.GuardEvent {
	return service.GuardEvent{Pipeline: "settlements", GuardFinding: config.GuardFinding{Step: "fee-guard", Rule: rule, Action: action, Key: "FBA", Message: message}, DeadLetter: deadLetter}
}

func TestWatcher_tells_what_guards_held_and_flagged_once_within_the_rate_limit(t *testing.T) {
	hook, mail, src, clock, w := newRig(t)
	ctx := context.Background()
	w.Check(ctx)
	assert.Empty(t, hook.got(), "nothing found, nothing told")

	src.addGuardEvent(guardEvent("fee-rate", config.GuardFlag, `settlement 123456: fee rate 31.5% for "Jane Doe", usually 15.0%`, 0))
	w.Check(ctx)
	require.Len(t, hook.got(), 1)
	require.Len(t, mail.got(), 1)
	assert.Contains(t, hook.got()[0], "[pipewright] flow settlements: 1 flagged")
	assert.Contains(t, hook.got()[0], "flagged by fee-guard/fee-rate: settlement {}: fee rate {} for {}, usually {}")
	assert.NotContains(t, hook.got()[0], "Jane Doe", "values stay out of alerts")
	assert.Contains(t, hook.got()[0], "http://pipewright.example:8080/console/flows/settlements")
	w.Check(ctx)
	assert.Len(t, hook.got(), 1, "told once")

	// Within the rate limit: kept, then told together.
	src.addGuardEvent(guardEvent("fee-rate", config.GuardFlag, "fee rate 40%", 0))
	src.addGuardEvent(guardEvent("fee-jump", config.GuardHold, "fee rate 90%", 42))
	clock.Advance(10 * time.Minute)
	w.Check(ctx)
	assert.Len(t, hook.got(), 1)
	clock.Advance(25 * time.Minute)
	w.Check(ctx)
	require.Len(t, hook.got(), 2)
	assert.Contains(t, hook.got()[1], "flow settlements: 1 held for review, 1 flagged")
	assert.Contains(t, hook.got()[1], "held by fee-guard/fee-jump (dead letter 42)")
}
