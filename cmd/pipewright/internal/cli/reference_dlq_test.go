package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// copyDir copies the reference directory so a test can break it.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	require.NoError(t, err)
	return to
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// The operator's loop on the reference directory, as the README tells it:
// orders are dead-lettered for unknown SKUs, grouped under one reason, one
// cause a table row (an FBA SKU override removed), the other an item
// inactive in Sage. While the engine runs, the table is fixed, which the
// engine's directory watch reloads (the test waits until /api/health
// reports the fixed directory's version), and the item is activated in
// Sage, while the engine's lookup cache still holds the old item list for
// a day. A bulk replay of the reason group, of the unchanged messages,
// then delivers every order once: the table cases thanks to the reload,
// the Sage cases thanks to fresh lookups.
func TestReference_dead_letters_fixed_while_the_engine_runs_and_replayed_in_bulk(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	t.Parallel()
	w := newWorld(t, 150, simulator.Faults{})
	w.dir = copyDir(t, referenceDir)
	w.watch = 100 * time.Millisecond
	overrides := filepath.Join(w.dir, "tables", "sku_overrides.csv")
	editFile(t, overrides, "WB-0001-BK-FBA,WB-0001-BK,AFN\n", "")
	editFile(t, filepath.Join(w.dir, "pipewright.yaml"), "lookup_cache: { ttl: 30s }", "lookup_cache: { ttl: 24h }")
	_, err := w.db().Exec(`UPDATE timItem SET Status = 0 WHERE ItemID = 'PC-0007-CL'`)
	require.NoError(t, err)

	w.start()
	ctx := context.Background()
	var groups []*service.DeadLetterGroup
	deadline := time.Now().Add(3 * time.Minute)
	for {
		groups, err = w.engine.Admin().Groups(ctx, service.DeadLetterFilter{Status: service.StatusOpen, Pipeline: "orders"}, 100)
		require.NoError(t, err)
		if len(groups) > 0 && hasErrors(groups[0], "WB-0001-BK-FBA", "PC-0007-CL") {
			break
		}
		require.True(t, time.Now().Before(deadline), "orders dead-lettered for both causes")
		w.runFor(5 * time.Minute)
	}
	g := groups[0]
	assert.Equal(t, "unknown SKU {} in order {}: add it to tables/sku_overrides.csv or create the item in Sage", g.Reason)
	assert.Equal(t, []string{"rules"}, g.Steps)
	// Orders keep changing on the simulator: until the replay, a newer
	// version may resolve some of these (or join the group), more of them
	// the slower the machine. Whichever way, each ends up resolved.
	listed, err := w.engine.Admin().List(ctx, service.DeadLetterFilter{Group: g.ID, Status: service.StatusOpen})
	require.NoError(t, err)
	require.NotEmpty(t, listed)

	fixTableWhileRunning(t, w, overrides, "seller_sku,item_id,channel\n", "seller_sku,item_id,channel\nWB-0001-BK-FBA,WB-0001-BK,AFN\n")
	_, err = w.db().Exec(`UPDATE timItem SET Status = 1 WHERE ItemID = 'PC-0007-CL'`)
	require.NoError(t, err)

	job, err := w.engine.Admin().RunBulk(ctx, service.BulkRequest{Action: service.BulkReplay, Filter: service.DeadLetterFilter{Group: g.ID}, Rate: 100, Wait: 2 * time.Minute}, nil)
	require.NoError(t, err)
	t.Logf("bulk replay of %d: ok %d, skipped %d (resolved meanwhile by a newer version)", job.Total, job.OK, job.Skipped)
	assert.Positive(t, job.OK, "the Sage item's orders are delivered by the replay only: the cached item list is stale")
	assert.Zero(t, job.Failed, "%+v", job.Results)
	assert.Zero(t, job.Errors, "%+v", job.Results)
	assert.Zero(t, job.Pending)
	assert.Equal(t, job.Total, job.OK+job.Skipped)
	seqs := map[uint64]bool{}
	for _, r := range listed {
		seqs[r.Seq] = true
	}
	for _, res := range job.Results {
		seqs[res.Seq] = true
	}
	for seq := range seqs {
		r, err := w.engine.Admin().Get(ctx, seq)
		require.NoError(t, err)
		assert.Equal(t, service.StatusResolved, r.Status, "dead letter %d", r.Seq)
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT[0-9:.]+Z$`, r.Version, "versioned by lastUpdatedTime")
		var n int
		require.NoError(t, w.db().QueryRow(`SELECT COUNT(*) FROM tsoSalesOrder_ext WHERE AmazonOrderId = ?`, r.Key).Scan(&n))
		assert.Equal(t, 1, n, "order %s is in Sage once", r.Key)
	}
}

func hasErrors(g *service.DeadLetterGroup, texts ...string) bool {
	for _, text := range texts {
		found := false
		for _, ex := range g.Examples {
			found = found || strings.Contains(ex.Error, text)
		}
		if !found {
			return false
		}
	}
	return true
}

// fixTableWhileRunning edits a table of w's running engine and waits until
// the engine reports, on /api/health, the version of the edited directory,
// reloaded by its watch; the Sage connection (its lookup cache with it)
// keeps running.
func fixTableWhileRunning(t *testing.T, w *world, path, old, new string) {
	t.Helper()
	listen := w.env["PIPEWRIGHT_LISTEN"]
	before := engineHealth(t, listen)
	require.Equal(t, w.watch.String(), before.Watch, "the engine watches its directory")
	editFile(t, path, old, new)
	want, err := service.Version(w.load())
	require.NoError(t, err)
	require.NotEqual(t, before.Version, want)
	var h service.Health
	componenttest.WaitFor(t, "the engine to run version "+want, func() bool {
		h = engineHealth(t, listen)
		return h.Version == want
	})
	last := h.Reload.Last
	require.NotNil(t, last)
	assert.Equal(t, service.ReloadApplied, last.Status)
	assert.Equal(t, "watch", last.Trigger)
	assert.Equal(t, before.Version, last.Previous)
	assert.NotContains(t, last.Restarted, "connection/sage")
}
