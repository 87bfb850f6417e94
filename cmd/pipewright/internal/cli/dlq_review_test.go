package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

// reviewDir holds orders of more than 100 units for review.
func reviewDir(t *testing.T) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: clireview\nserver: { listen: 127.0.0.1:1 }\n",
		"in.jsonl":        `{"id":"o1","order":"113-1","qty":500}` + "\n" + `{"id":"o2","order":"113-2","qty":900}` + "\n",
		"orders.yaml": `pipeline: orders
source: { file: { path: in.jsonl } }
steps:
  - name: quantity-guard
    guard:
      key: '"all"'
      value: msg.qty
      rules:
        - name: big-order
          hold: value > 100
          message: '"order " + msg.order + " wants " + string(value) + " units"'
sink: { file: { path: out.jsonl } }
dead_letters: { key: msg.order }
`,
	})
	return dir
}

func TestDLQ_approve_sends_a_held_message_on_and_reject_drops_one_both_recorded(t *testing.T) {
	dir, data := reviewDir(t), t.TempDir()
	p := startProc(t, dir, data)
	openSeqs(t, p.addr, 2)
	held := map[string]uint64{}
	for _, r := range deadLetters(t, p.addr) {
		assert.Equal(t, "held", r.Class)
		held[r.Key] = r.Seq
	}

	code, stdout, stderr := pipewright("dlq", "list", "-class", "held", "-data", data, dir)
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Contains(t, stdout, "held for review by big-order: order 113-1 wants 500 units")

	code, stdout, stderr = pipewright("dlq", "approve", "-by", "ann", "-note", "wholesale", "-wait", "60s", "-data", data, dir, fmt.Sprint(held["113-1"]))
	require.Equal(t, cli.ExitOK, code, stderr)
	var out struct {
		Status string `json:"status"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	assert.Equal(t, "ok", out.Status)
	written, err := os.ReadFile(filepath.Join(data, "out.jsonl"))
	require.NoError(t, err)
	assert.Contains(t, string(written), `"113-1"`)

	code, stdout, stderr = pipewright("dlq", "reject", "-by", "ann", "-note", "duplicate", "-data", data, dir, fmt.Sprint(held["113-2"]))
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Contains(t, stdout, fmt.Sprintf("rejected %d by ann", held["113-2"]))

	code, stdout, stderr = pipewright("dlq", "show", "-data", data, dir, fmt.Sprint(held["113-2"]))
	require.Equal(t, cli.ExitOK, code, stderr)
	var rec struct {
		Status     string `json:"status"`
		Resolution struct{ How, By, Note string }
		Review     struct{ Decision, By string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rec), stdout)
	assert.Equal(t, "resolved", rec.Status)
	assert.Equal(t, "rejected", rec.Resolution.How)
	assert.Equal(t, "ann", rec.Review.By)
	written, err = os.ReadFile(filepath.Join(data, "out.jsonl"))
	require.NoError(t, err)
	assert.NotContains(t, string(written), `"113-2"`, "a rejected message is not written")

	code, _, stderr = pipewright("dlq", "approve", "-by", "ann", "-data", data, dir, fmt.Sprint(held["113-2"]))
	assert.Equal(t, cli.ExitFailure, code)
	assert.Contains(t, stderr, "is already resolved (rejected at ")
	code, _, stderr = pipewright("dlq", "reject", "-by", "", "-data", data, dir, fmt.Sprint(held["113-1"]))
	assert.Equal(t, cli.ExitUsage, code, stderr)
}
