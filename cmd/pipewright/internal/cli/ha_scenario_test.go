package cli_test

import (
	"fmt"
	"maps"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/natstest"
)

// Three engine processes run the reference directory (plus a ledger
// pipeline to a file sink without a key) on a 3-node NATS cluster against
// one simulated Amazon and one Sage database, for simulated hours; one
// engine process runs the same scenario on its own (embedded NATS, its own
// Amazon and Sage) at the same time for comparison. In the middle, the
// owner of the orders source is killed with SIGKILL (and started again
// later), and the NATS node leading the ledger's stream is stopped while
// ledger lines flow (and started again). Afterwards every order is in Sage
// once, every shipment confirmed once, every settlement journaled once,
// every ledger line written; the simulator saw the calls one engine makes.
func TestHA_three_engines_on_a_NATS_cluster_do_the_work_of_one(t *testing.T) {
	if testing.Short() {
		t.Skip("runs engine processes on the reference directory for simulated hours")
	}
	if os.Getenv("PIPEWRIGHT_HA_SCENARIO") == "" {
		// Kept out of `make test` for its time; CI runs it after
		// (.ci/run, make ha-scenario).
		t.Skip("set PIPEWRIGHT_HA_SCENARIO=1 (make ha-scenario) to run the three-engine HA scenario")
	}
	t.Parallel() // mostly waits for simulated time to pass
	const scale = 150
	ha := newHAWorld(t, haDir(t), scale, natstest.StartCluster(t, 3), 3)
	single := newSingleBeside(t, ha)
	startAll(t, ha, single)

	// Two hours of steady work, once every source has made its first
	// rounds: the polls each Amazon sees in them. Both worlds run on one
	// clock; the window starts and ends a quarter of an hour away from the
	// hourly ticks, so that each world's reconciliation calls fall in it
	// whole however long they take.
	from := nextQuarter(ha.clock.Now().Add(20 * time.Minute))
	ha.runFor(from.Sub(ha.clock.Now()))
	haFrom, singleFrom := ha.steady(), single.steady()
	ha.runFor(from.Add(steadyWindow).Sub(ha.clock.Now()))
	haSteady, singleSteady := ha.steady().since(haFrom), single.steady().since(singleFrom)
	t.Logf("in %s of steady work: three engines' calls %v, rounds %v; one engine's calls %v, rounds %v",
		steadyWindow, haSteady.calls, haSteady.rounds, singleSteady.calls, singleSteady.rounds)
	t.Run("the simulator sees a single engine's polls per operation", func(t *testing.T) {
		assertPollsAlike(t, haSteady.polls(), singleSteady.polls())
	})

	// The owner of the orders source dies; another engine takes it over
	// while it is down; it comes back later (a replacement).
	victim := ha.ordersOwner()
	killed := time.Now()
	ha.logPhase("engine %d killed", victim+1)
	ha.engine(victim).kill()
	componenttest.WaitFor(t, "another engine to own the orders source", func() bool {
		owner := ha.ordersOwner()
		return owner >= 0 && owner != victim
	})
	t.Logf("the orders source was taken over %s after its owner was killed", time.Since(killed).Round(time.Millisecond))
	ha.runFor(10 * time.Minute)
	ha.launch(victim).waitHealthy(t)
	ha.runFor(10 * time.Minute)

	// The node leading the ledger's stream stops while lines flow; the
	// others go on; it comes back and catches up.
	const perBatch = 400
	js := ha.jetStream()
	leader := ha.streamLeader(js, ledgerStream)
	ha.dropLedger(1, perBatch)
	ha.logPhase("node n%d stopped", leader+1)
	ha.nats.Stop(leader)
	ha.dropLedger(2, perBatch)
	ha.runFor(10 * time.Minute)
	ha.dropLedger(3, perBatch)
	if !ha.waitDone("every ledger line with a node down", func() int { return len(ledgerMissing(ha.ledgerLines(), 3, perBatch)) }) {
		t.FailNow()
	}
	ha.logPhase("node n%d started", leader+1)
	ha.nats.Start(leader)
	ha.waitFor(fmt.Sprintf("node n%d to catch up", leader+1), func() bool { return ha.caughtUp(js, leader) })
	ha.dropLedger(4, perBatch)
	ha.runFor(40 * time.Minute)
	haStats, singleStats := ha.sim.Stats(), single.sim.Stats()
	t.Logf("calls: three engines %v, one engine %v", haStats.Calls, singleStats.Calls)
	t.Logf("orders: three engines' Amazon %d, one engine's %d", len(ha.sim.Orders()), len(single.sim.Orders()))
	t.Logf("throttled: three engines %v, one engine %v", haStats.Throttled, singleStats.Throttled)

	// Nothing lost, nothing repeated.
	cutoff := ha.clock.Now().Add(-45 * time.Minute)
	orders := ha.settle("orders", func(p *problems) int { return ha.checkOrders(p, cutoff) })
	shipments := ha.settle("shipments", func(p *problems) int { return ha.checkShipments(p, cutoff) })
	settlements := ha.settle("settlements", func(p *problems) int { return ha.checkSettlements(p, cutoff) })
	t.Logf("checked %d orders, %d shipments, %d settlements", orders, shipments, settlements)
	assert.Greater(t, orders, 50, "orders checked")
	assert.Greater(t, shipments, 10, "shipments checked")
	assert.Greater(t, settlements, 1, "settlements checked")
	var ledger map[string]int
	if !ha.waitDone("every ledger line", func() int {
		ledger = ha.ledgerLines()
		return len(ledgerMissing(ledger, 4, perBatch))
	}) {
		t.FailNow()
	}
	assert.Len(t, ledger, 4*perBatch, "nothing but the ledger's input")
	t.Logf("ledger: %d lines for %d ids", sumValues(ledger), len(ledger))

	t.Run("the simulator throttles no more calls than with a single engine", func(t *testing.T) {
		assert.LessOrEqual(t, sumValues(haStats.Throttled), sumValues(singleStats.Throttled))
	})
	t.Run("the listings on Amazon follow Sage's stock and prices", func(t *testing.T) {
		inventory := ha.checkInventory(20 * time.Minute)
		prices := ha.settle("prices", ha.checkPrices)
		assert.Greater(t, inventory, 5, "listing quantities checked")
		assert.Greater(t, prices, 10, "prices checked")
	})
	t.Run("the ledger's file sink wrote no line twice", func(t *testing.T) {
		for id, n := range ledger {
			assert.Equal(t, 1, n, "ledger line %s", id)
		}
	})
}

// steadyWindow is how long the calls are compared: long enough that
// every operation compared is polled at least minPolls times in it.
const steadyWindow = 2 * time.Hour

// minPolls is the fewest polls of an operation for which one poll more or
// less is within 5%.
const minPolls = 20

// polledOperations are the SP-API operations the reference directory's
// sources call on their own schedule, so that their counts depend on how
// many engines poll: orders (searchOrders, every 5 minutes), refunds
// (listFinancialEvents, every 5 minutes) and the hourly reconcile
// (getListingsItem, one per listing). The first two are counted in rounds
// (pollCounter): how many calls a round makes depends on the world's data
// (pages), and the two worlds' Amazons make their own orders and refunds. The other operations follow the messages (a
// confirmation per shipment, a fetch per notification, feeds per batch
// window, a returns report per refunds round with units back, status
// polls until a feed or a report is done) and vary from run to run even
// with one engine; the once-each checks cover them. The settlements'
// getReports runs every 6 hours (with notifications): not within the
// window in either world.
var polledOperations = []string{"searchOrders", "listFinancialEvents", "getListingsItem"}

// assertPollsAlike requires the polls of each operation within 5% of the
// single engine's (rounded down: one poll more or less, a tick late at an
// edge, is 5% of minPolls), and the polls of all of them together no more
// than 5% above the single engine's. Every count of the single engine must
// be at least minPolls, or 5% would not allow even one poll of difference.
func assertPollsAlike(t *testing.T, got, single map[string]int) {
	t.Helper()
	allowed := func(s int) int { return s * 5 / 100 }
	var gotAll, singleAll int
	for _, op := range polledOperations {
		g, s := got[op], single[op]
		assert.GreaterOrEqual(t, s, minPolls, "%s: the single engine's polls (the window is too short for 5%% to mean a poll)", op)
		assert.LessOrEqual(t, abs(g-s), allowed(s), "%s: %d polls by three engines, %d by one", op, g, s)
		gotAll += g
		singleAll += s
	}
	assert.LessOrEqual(t, gotAll-singleAll, allowed(singleAll), "polled operations together: %d polls by three engines, %d by one", gotAll, singleAll)
}

// steadyCounts is what a world's Amazon saw: calls per operation, and
// rounds of the operations of pageTokens.
type steadyCounts struct{ calls, rounds map[string]int }

// steady reads the world's counts so far.
func (h *haWorld) steady() steadyCounts {
	return steadyCounts{calls: h.sim.Stats().Calls, rounds: h.rounds.Rounds()}
}

// since returns the counts made since before was read.
func (c steadyCounts) since(before steadyCounts) steadyCounts {
	return steadyCounts{calls: callsSince(c.calls, before.calls), rounds: callsSince(c.rounds, before.rounds)}
}

// polls returns the calls per operation, rounds for the operations of
// pageTokens.
func (c steadyCounts) polls() map[string]int {
	out := maps.Clone(c.calls)
	for op := range pageTokens {
		out[op] = c.rounds[op]
	}
	return out
}

// nextQuarter returns the first time at or after t a quarter past or a
// quarter to the hour: scheduled hourly ticks (the reconciliations) fall
// on the hour, as far as can be from such a time.
func nextQuarter(t time.Time) time.Time {
	q := t.Truncate(30 * time.Minute).Add(15 * time.Minute)
	if q.Before(t) {
		q = q.Add(30 * time.Minute)
	}
	return q
}

// callsSince returns the calls made since before was read.
func callsSince(now, before map[string]int) map[string]int {
	out := map[string]int{}
	for op, n := range now {
		if d := n - before[op]; d > 0 {
			out[op] = d
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
