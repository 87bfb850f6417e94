package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// dlqDir is a directory whose orders fail at a later step than the one
// that reads the SKU table. server.listen names a port nobody listens on,
// so the CLI has to find the engine through its data directory.
func dlqDir(t *testing.T, skus string) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: clidlq\nserver: { listen: 127.0.0.1:1 }\n",
		"tables/skus.csv": "sku,item\n" + skus,
		"in.jsonl":        `{"id":"o1","order":"113-1","sku":"A"}` + "\n" + `{"id":"o2","order":"113-2","sku":"B"}` + "\n",
		"orders.yaml": `pipeline: orders
source: { file: { path: in.jsonl } }
steps:
  - name: canonical
    map:
      output:
        id: msg.id
        order: msg.order
        item: 'msg.sku in tables.skus ? tables.skus[msg.sku] : ""'
  - name: rules
    assert:
      - that: msg.item != ""
        message: '"unknown item for order " + msg.order'
sink: { file: { path: out.jsonl } }
`,
	})
	return dir
}

// pipewright runs the CLI in-process.
func pipewright(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli.Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// openSeqs polls the engine's API until it has n open dead letters.
func openSeqs(t *testing.T, addr string, n int) []uint64 {
	t.Helper()
	var seqs []uint64
	componenttest.WaitFor(t, fmt.Sprintf("%d open dead letters", n), func() bool {
		seqs = seqs[:0]
		for _, r := range deadLetters(t, addr) {
			seqs = append(seqs, r.Seq)
		}
		return len(seqs) == n
	})
	return seqs
}

func TestDLQ_replay_that_fails_again_exits_1_and_prints_the_new_record(t *testing.T) {
	dir, data := dlqDir(t, "A,ITEM-A\n"), t.TempDir()
	p := startProc(t, dir, data)
	seq := openSeqs(t, p.addr, 1)[0]

	code, stdout, stderr := pipewright("dlq", "replay", "-data", data, "-wait", "60s", dir, fmt.Sprint(seq))
	assert.Equal(t, cli.ExitFailure, code, stderr)
	assert.Contains(t, stderr, "talking to the engine at http://"+p.addr+" (recorded in pipewright.lock)")
	var out struct {
		Status     string `json:"status"`
		DLQSeq     uint64 `json:"dlq_seq"`
		DeadLetter struct {
			Seq      uint64 `json:"seq"`
			ReplayOf uint64 `json:"replay_of"`
			Error    string `json:"error"`
		} `json:"dead_letter"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	assert.Equal(t, "failed", out.Status)
	assert.Equal(t, out.DLQSeq, out.DeadLetter.Seq)
	assert.Equal(t, seq, out.DeadLetter.ReplayOf)
	assert.Contains(t, out.DeadLetter.Error, "unknown item for order 113-2")
	assert.Contains(t, stderr, fmt.Sprintf("the replay failed again: dead letter %d", out.DLQSeq))

	// A record already resolved, and one dropped twice, get clear answers.
	code, _, stderr = pipewright("dlq", "replay", "-data", data, dir, fmt.Sprint(seq))
	assert.Equal(t, cli.ExitFailure, code)
	assert.Contains(t, stderr, fmt.Sprintf("dead letter %d is already resolved (replaced at ", seq))
	code, _, _ = pipewright("dlq", "drop", "-data", data, dir, fmt.Sprint(out.DLQSeq))
	assert.Equal(t, cli.ExitOK, code)
	code, _, stderr = pipewright("dlq", "drop", "-data", data, dir, fmt.Sprint(out.DLQSeq))
	assert.Equal(t, cli.ExitFailure, code)
	assert.Contains(t, stderr, fmt.Sprintf("dead letter %d: no such dead letter (never stored, dropped, or removed after its retention)", out.DLQSeq))
	assert.NotContains(t, stderr, "nats")
}

func TestDLQ_bulk_replay_of_a_group_after_the_table_is_fixed(t *testing.T) {
	dir, data := dlqDir(t, "A,ITEM-A\n"), t.TempDir()
	p := startProc(t, dir, data)
	openSeqs(t, p.addr, 1)
	p.stop(t)

	// Stopped: the CLI reads the data directory and says so.
	code, stdout, stderr := pipewright("dlq", "groups", "-data", data, dir)
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Contains(t, stderr, "using the stopped engine's data in "+data)
	assert.Contains(t, stdout, "unknown item for order {}")
	group := strings.Fields(strings.Split(stdout, "\n")[1])[0]

	writeFiles(t, dir, map[string]string{"tables/skus.csv": "sku,item\nA,ITEM-A\nB,ITEM-B\n"})
	p = startProc(t, dir, data)
	code, stdout, stderr = pipewright("dlq", "replay", "-server", p.addr, "-group", group, "-rate", "20", dir)
	require.Equal(t, cli.ExitOK, code, stdout+stderr)
	assert.Contains(t, stdout, "replay 1: ok 1, failed 0, dropped 0, pending 0, skipped 0, errors 0")
	assert.Contains(t, stderr, "replaying [##############################] 1/1  ok 1  failed 0  pending 0")
	openSeqs(t, p.addr, 0)

	code, _, stderr = pipewright("dlq", "replay", "-server", p.addr, dir)
	assert.Equal(t, cli.ExitUsage, code, "a bulk replay names what it takes")
	assert.Contains(t, stderr, "give -pipeline")
}
