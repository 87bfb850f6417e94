package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// reloadPipeline maps a SKU through a table; the file source watches in/.
const reloadPipeline = `
-- pipewright.yaml --
project: rl
connections:
  erp: { type: target }
defaults:
  errors: { retry: { initial: 20ms, max: 200ms } }
-- tables/skus.csv --
sku,item
A,ITEM-A
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: "in/*.jsonl", watch: 20ms } }
steps:
  - name: item
    map:
      output:
        id: msg.id
        item: tables.skus[msg.sku]
sink: { target: { connection: erp } }
`

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
}

// dirVersion is the version of the directory as it is now.
func dirVersion(t *testing.T, dir string) string {
	t.Helper()
	p, err := loader(t, newTarget(), nil)(dir)
	require.NoError(t, err)
	v, err := service.Version(p)
	require.NoError(t, err)
	return v
}

func TestReload_a_fixed_table_is_used_by_the_messages_after_it(t *testing.T) {
	dir := writeDir(t, reloadPipeline)
	writeFile(t, dir, "in/1.jsonl", `{"id":"o1","sku":"B"}`+"\n")
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	componenttest.WaitFor(t, "o1 dead-lettered for the missing SKU", func() bool {
		recs, _ := e.Admin().List(context.Background(), service.DeadLetterFilter{})
		return len(recs) == 1
	})
	before := e.Health().Version
	assert.Equal(t, dirVersion(t, dir), before)

	writeFile(t, dir, "tables/skus.csv", "sku,item\nA,ITEM-A\nB,ITEM-B\n")
	res := e.Reload(context.Background(), "test")
	require.Equal(t, service.ReloadApplied, res.Status, "%+v", res)
	assert.Equal(t, before, res.Previous)
	assert.Equal(t, dirVersion(t, dir), res.Version)
	assert.Empty(t, res.Restarted, "a table change restarts no source, sink or connection without expressions")
	assert.Equal(t, res.Version, e.Health().Version)

	writeFile(t, dir, "in/2.jsonl", `{"id":"o2","sku":"B"}`+"\n")
	componenttest.WaitFor(t, "o2 delivered", func() bool { return tg.body("o2") != nil })
	assert.Equal(t, "ITEM-B", tg.body("o2")["item"], "the message after the reload used the fixed table")
	assert.Nil(t, tg.body("o1"), "the earlier dead letter stays one until replayed")
}

func TestReload_an_invalid_change_is_refused_and_the_running_version_stays(t *testing.T) {
	dir := writeDir(t, reloadPipeline)
	tg := newTarget()
	logs := &componenttest.SyncBuffer{}
	e := startEngineLogging(t, dir, t.TempDir(), tg, nil, logs)
	running := e.Health().Version

	writeFile(t, dir, "tables/skus.csv", "sku,item\nA,ITEM-NEW\n")
	writeFile(t, dir, "orders.yaml", `
pipeline: orders
source: { test.lines: { path: "in/*.jsonl", watch: 20ms } }
steps:
  - name: item
    map:
      output:
        id: msg.id
        item: tables.skus[msg.sku] +
sink: { target: { connection: erp } }
`)
	resp, err := http.Post("http://"+e.Addr()+"/api/reload", "application/json", nil)
	require.NoError(t, err)
	var res service.ReloadResult
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	resp.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Equal(t, service.ReloadRefused, res.Status)
	assert.Equal(t, running, res.Version, "the running version stays")
	require.NotEmpty(t, res.Problems)
	located := regexp.MustCompile(`orders\.yaml:9:\d+: `)
	assert.Regexp(t, located, res.Problems[0].Text)
	assert.Equal(t, 9, res.Problems[0].Line)
	assert.Contains(t, logs.String(), "reload refused", "the log says so")
	assert.Regexp(t, located, logs.String(), "with the problem's position")

	h := e.Health()
	assert.Equal(t, running, h.Version)
	require.NotNil(t, h.Reload.LastRefused)
	assert.Equal(t, res.Problems, h.Reload.LastRefused.Problems)
	assert.True(t, h.Ready, "a refused reload does not make the engine unready")

	writeFile(t, dir, "in/1.jsonl", `{"id":"o1","sku":"A"}`+"\n")
	componenttest.WaitFor(t, "o1 delivered", func() bool { return tg.body("o1") != nil })
	assert.Equal(t, "ITEM-A", tg.body("o1")["item"], "the old version, old table included, keeps running")
}

func TestReload_restarts_only_the_components_whose_configuration_changed(t *testing.T) {
	dir := writeDir(t, reloadPipeline+`-- audit.yaml --
pipeline: audit
source: { test.lines: { path: "audit/*.jsonl", watch: 20ms } }
sink: { test.lines: { path: audit.out.jsonl } }
`)
	tg := newTarget()
	data := t.TempDir()
	e := startEngine(t, dir, data, tg, nil)

	writeFile(t, dir, "audit.yaml", `
pipeline: audit
source: { test.lines: { path: "audit/*.jsonl", watch: 20ms } }
sink: { test.lines: { path: audit2.out.jsonl } }
`)
	res := e.Reload(context.Background(), "test")
	require.Equal(t, service.ReloadApplied, res.Status, "%+v", res)
	assert.Equal(t, []string{"audit/sink/main"}, res.Restarted)

	writeFile(t, dir, "audit/1.jsonl", `{"id":"a1"}`+"\n")
	componenttest.WaitFor(t, "a1 written by the new sink", func() bool {
		return completeLines(t, filepath.Join(data, "audit2.out.jsonl")) == 1
	})
	assert.Empty(t, readLines(t, filepath.Join(data, "audit.out.jsonl")))

	res = e.Reload(context.Background(), "test")
	assert.Equal(t, service.ReloadUnchanged, res.Status)
}

func TestReload_adds_and_removes_pipelines(t *testing.T) {
	dir := writeDir(t, reloadPipeline)
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	writeFile(t, dir, "returns.yaml", `
pipeline: returns
source: { test.lines: { path: "returns/*.jsonl", watch: 20ms } }
sink: { target: { connection: erp } }
`)
	res := e.Reload(context.Background(), "test")
	require.Equal(t, service.ReloadApplied, res.Status, "%+v", res)
	assert.Equal(t, []string{"returns/sink/main", "returns/source"}, res.Restarted)
	writeFile(t, dir, "returns/1.jsonl", `{"id":"r1"}`+"\n")
	componenttest.WaitFor(t, "r1 delivered by the new pipeline", func() bool { return tg.body("r1") != nil })

	require.NoError(t, os.Remove(filepath.Join(dir, "returns.yaml")))
	res = e.Reload(context.Background(), "test")
	require.Equal(t, service.ReloadApplied, res.Status, "%+v", res)
	writeFile(t, dir, "in/1.jsonl", `{"id":"o1","sku":"A"}`+"\n")
	componenttest.WaitFor(t, "the remaining pipeline still runs", func() bool { return tg.body("o1") != nil })
}

// Two steps read the same table. While messages flow and the table flips
// between two contents reload after reload, every message must see one
// table in both steps: a swap happens between messages.
func TestReload_no_message_sees_two_versions(t *testing.T) {
	dir := writeDir(t, `
-- pipewright.yaml --
project: flip
connections:
  erp: { type: target }
-- tables/v.csv --
k,v
x,one
-- flip.yaml --
pipeline: flip
source: { test.lines: { path: "in/*.jsonl", watch: 10ms } }
steps:
  - name: first
    map: { output: { id: msg.id, first: 'tables.v["x"]' } }
  - name: second
    map: { output: { id: msg.id, first: msg.first, second: 'tables.v["x"]' } }
sink: { target: { connection: erp } }
`)
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	const files, per = 20, 50
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range files {
			var lines string
			for j := range per {
				lines += fmt.Sprintf(`{"id":"m%d-%d"}`+"\n", i, j)
			}
			writeFile(t, dir, fmt.Sprintf("in/%03d.jsonl", i), lines)
			writeFile(t, dir, "tables/v.csv", fmt.Sprintf("k,v\nx,%s\n", []string{"one", "two"}[i%2]))
			e.Reload(context.Background(), "test")
		}
	}()
	componenttest.Recv(t, "the writes and reloads", done)
	componenttest.WaitFor(t, "every message delivered", func() bool { d, _ := tg.count(); return d == files*per })
	tg.mu.Lock()
	defer tg.mu.Unlock()
	seen := map[any]int{}
	for id, b := range tg.bodies {
		require.Equal(t, b["first"], b["second"], "message %s saw two tables", id)
		seen[b["first"]]++
	}
	assert.Len(t, seen, 2, "both tables were used: %v", seen)
}

func TestReload_watching_picks_up_a_changed_file(t *testing.T) {
	dir := writeDir(t, reloadPipeline)
	tg := newTarget()
	e := startEngineWith(t, dir, t.TempDir(), tg, nil, componenttest.LogWriter(t), func(o *service.Options) { o.WatchEvery = 20 * time.Millisecond })
	writeFile(t, dir, "tables/skus.csv", "sku,item\nA,ITEM-A2\n")
	want := dirVersion(t, dir)
	componenttest.WaitFor(t, "the watcher to reload", func() bool { return e.Health().Version == want })
	last := e.Health().Reload.Last
	require.NotNil(t, last)
	assert.Equal(t, "watch", last.Trigger)
	writeFile(t, dir, "in/1.jsonl", `{"id":"o1","sku":"A"}`+"\n")
	componenttest.WaitFor(t, "o1 delivered", func() bool { return tg.body("o1") != nil })
	assert.Equal(t, "ITEM-A2", tg.body("o1")["item"])
}

func TestReload_on_a_signal(t *testing.T) {
	dir := writeDir(t, reloadPipeline)
	tg := newTarget()
	addr := freeAddr(t)
	load := loader(t, tg, nil)
	p, err := load(dir)
	require.NoError(t, err)
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() {
		runErr <- service.Run(ctx, service.Options{Project: p, DataDir: t.TempDir(), Listen: addr, Logger: componenttest.Logger(t),
			Load: load, ReloadOn: hup})
	}()
	defer func() {
		cancel()
		require.NoError(t, componenttest.Recv(t, "Run to return", runErr))
	}()
	health := func() service.Health {
		var h service.Health
		resp, err := http.Get("http://" + addr + "/api/health")
		if err != nil {
			return h
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&h)
		return h
	}
	componenttest.WaitFor(t, "the engine to run", func() bool { return health().Version != "" })
	writeFile(t, dir, "tables/skus.csv", "sku,item\nA,ITEM-A3\n")
	hup <- syscall.SIGHUP
	want := dirVersion(t, dir)
	componenttest.WaitFor(t, "the signal to reload", func() bool { return health().Version == want })
	assert.Equal(t, "signal hangup", health().Reload.Last.Trigger)
}

// A webhook source whose options change is restarted; the new instance
// serves the same path.
func TestReload_a_restarted_webhook_source_serves_its_path_again(t *testing.T) {
	hooks := func(token string) string {
		return fmt.Sprintf(`
pipeline: hooks
source:
  test.hook:
    path: /hooks/orders
    token: %q
    id: msg.id
sink: { target: { connection: erp } }
`, token)
	}
	dir := writeDir(t, "-- pipewright.yaml --\nproject: hk\nconnections:\n  erp: { type: target }\n-- hooks.yaml --\n"+hooks("old-token-1"))
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	post := func(token, id string) int {
		req, err := http.NewRequest(http.MethodPost, "http://"+e.Addr()+"/hooks/orders", strings.NewReader(`{"id":"`+id+`"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hook-Token", token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusAccepted, post("old-token-1", "h1"))

	writeFile(t, dir, "hooks.yaml", hooks("new-token-2"))
	res := e.Reload(context.Background(), "test")
	require.Equal(t, service.ReloadApplied, res.Status, "%+v", res)
	assert.Equal(t, []string{"hooks/source"}, res.Restarted)
	assert.Equal(t, http.StatusUnauthorized, post("old-token-1", "h2"))
	assert.Equal(t, http.StatusAccepted, post("new-token-2", "h3"))
	componenttest.WaitFor(t, "h1 and h3 delivered", func() bool { return tg.body("h1") != nil && tg.body("h3") != nil })
	assert.Nil(t, tg.body("h2"))
}

// A change whose new connection cannot start is refused: the running
// version is rebuilt and keeps processing messages.
func TestReload_a_connection_that_cannot_start_is_refused_and_the_running_version_restored(t *testing.T) {
	dir := writeDir(t, reloadPipeline)
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	running := e.Health().Version
	writeFile(t, dir, "pipewright.yaml", "project: rl\nconnections:\n  erp: { type: target, fail_start: true }\ndefaults:\n  errors: { retry: { initial: 20ms, max: 200ms } }\n")

	res := e.Reload(context.Background(), "test")
	assert.Equal(t, service.ReloadRefused, res.Status)
	assert.Contains(t, res.Error, "starting connection/erp: cannot reach the target's license server")
	h := e.Health()
	assert.Equal(t, running, h.Version)
	assert.True(t, h.Ready, "the running version was restored: %v", h.Reasons)
	assert.Empty(t, h.Reload.Broken)

	writeFile(t, dir, "in/1.jsonl", `{"id":"o1","sku":"A"}`+"\n")
	componenttest.WaitFor(t, "o1 delivered by the restored version", func() bool { return tg.body("o1") != nil })
	assert.Equal(t, "ITEM-A", tg.body("o1")["item"])
}
