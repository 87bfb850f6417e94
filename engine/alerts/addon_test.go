package alerts_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/alerts"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/engine/service"
)

// The addon reads alerts: from the project file and watches the engine:
// two dead letters of a flow with threshold 2 make one alert.
func TestAddon_watches_the_engine_as_the_project_file_says(t *testing.T) {
	hook := newWebhookReceiver(t)
	files := map[string]string{
		"pipewright.yaml": "project: shop\nalerts:\n  webhook: { url: \"${env:HOOK}\" }\n  dead_letters: { threshold: 2 }\n  check_every: 50ms\n  console_url: https://ops.example/console/\n",
		"orders.yaml":     "pipeline: orders\nsource: { test.lines: { path: in.jsonl } }\nsteps:\n  - name: rules\n    assert:\n      - that: msg.sku != \"\"\n        message: '\"order \" + msg.id + \" has no SKU\"'\nsink: { test.nop: {} }\n",
		"in.jsonl":        "{\"id\":\"1\",\"sku\":\"\"}\n{\"id\":\"2\",\"sku\":\"\"}\n",
	}
	startEngine(t, files, hook.URL)

	require.Eventually(t, func() bool { return len(hook.got()) > 0 }, 90*time.Second, 20*time.Millisecond, "an alert")
	got := hook.got()[0]
	assert.Contains(t, got, "Flow orders has 2 open dead letters (alert threshold 2)")
	assert.Contains(t, got, "2 × order {} has no SKU")
	assert.Contains(t, got, "https://ops.example/console/flows/orders")
}

// startEngine runs a directory of files with the alerts addon; HOOK is
// hookURL. The test shuts it down.
func startEngine(t *testing.T, files map[string]string, hookURL string) *service.Engine {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	reg, err := registry.New(componenttest.Factories()...)
	require.NoError(t, err)
	p, err := config.Load(dir, config.Options{Registry: reg, LookupEnv: func(k string) (string, bool) { return hookURL, k == "HOOK" }})
	require.NoError(t, err)
	e, err := service.New(service.Options{Project: p, DataDir: t.TempDir(), Listen: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Addons: []service.Addon{alerts.New()}})
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
		defer cancel()
		require.NoError(t, e.Shutdown(ctx))
	})
	return e
}
