package service_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// Eight pipelines share the engine's NATS connection; stopping must not
// close it under the subscribers of the others (each subscriber drains a
// connection of its own), so a clean stop logs no error.
func TestEngine_clean_shutdown_logs_no_errors(t *testing.T) {
	archive := "-- pipewright.yaml --\nproject: t\nconnections:\n  erp: { type: target }\n"
	for i := range 8 {
		archive += fmt.Sprintf("-- p%d.yaml --\npipeline: p%d\nsource: { test.lines: { path: in%d.jsonl } }\nsink: { target: { connection: erp } }\n", i, i, i)
	}
	dir := writeDir(t, archive)
	for i := range 8 {
		writeInput(t, dir, fmt.Sprintf("in%d.jsonl", i), 5, func(j int) string { return fmt.Sprintf(`{"id":"p%d-%d"}`, i, j) })
	}
	tg := newTarget()
	logs := &componenttest.SyncBuffer{}
	e := startEngineLogging(t, dir, t.TempDir(), tg, nil, logs)
	componenttest.WaitFor(t, "every message delivered", func() bool { d, _ := tg.count(); return d == 40 })
	stopEngine(t, e)

	var errs []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct{ Level, Msg, Error string }
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "%s", line)
		if rec.Level == "ERROR" {
			errs = append(errs, rec.Msg+": "+rec.Error)
		}
	}
	assert.Empty(t, errs)
}
