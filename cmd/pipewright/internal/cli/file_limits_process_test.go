package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	service "github.com/pipewright/pipewright/engine/service"
)

// bigLineBytes is the size of the oversized record: 200 MiB.
const bigLineBytes = 200 << 20

// writeBigLineFile writes path: a valid line, a bigLineBytes record without
// a newline inside it, then another valid line. It streams the record in
// chunks, so the test does not hold it either.
func writeBigLineFile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	head := `{"id":"big","pad":"`
	_, err = w.WriteString(`{"id":"a1"}` + "\n" + head)
	require.NoError(t, err)
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for left := bigLineBytes - len(head) - 2; left > 0; left -= len(chunk) {
		_, err = w.Write(chunk[:min(left, len(chunk))])
		require.NoError(t, err)
	}
	_, err = w.WriteString(`"}` + "\n" + `{"id":"a3"}` + "\n")
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
}

// peakRSS returns a process's peak resident memory (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// deadLetters lists a running engine's open dead letters, with their
// messages, through its API.
func deadLetters(t *testing.T, addr string) []*service.DeadLetter {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/api/dlq?full=true")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out struct {
		Records []*service.DeadLetter `json:"records"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Records
}

// TestFileSource_a_200MB_line_is_a_dead_letter_and_memory_stays_bounded
// feeds an engine process a file holding a 200 MiB record between two valid
// ones, then a valid file. The engine's peak resident memory stays under
// 300 MB, the record is a dead letter naming its file, line and size, and
// every valid record, in both files, reaches the sink.
func TestFileSource_a_200MB_line_is_a_dead_letter_and_memory_stays_bounded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine process and writes 200 MB")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads the peak resident memory from /proc")
	}
	dir, data := t.TempDir(), t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: limits\n",
		"p.yaml": `pipeline: p
source: { file: { path: "in/*.jsonl" } }
steps:
  - map: { output: { id: msg.id } }
sink: { file: { path: out.jsonl } }
`,
		"in/b.jsonl": `{"id":"b1"}` + "\n" + `{"id":"b2"}` + "\n",
	})
	writeBigLineFile(t, filepath.Join(dir, "in", "a.jsonl"))

	p := startProc(t, dir, data)
	want := []string{"a1", "a3", "b1", "b2"}
	out := filepath.Join(data, "out.jsonl")
	// The sink may be writing a line while the test reads: count complete
	// lines now, read the records once the engine has stopped.
	componenttest.WaitFor(t, "every valid record in the sink", func() bool { return lines(t, out) >= len(want) })
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "the big record dead-lettered", func() bool {
		recs = deadLetters(t, p.addr)
		return len(recs) > 0
	})
	peak := peakRSS(t, p.cmd.Process.Pid)
	p.stop(t)

	require.Len(t, recs, 1)
	rec := recs[0]
	assert.Equal(t, "a.jsonl:2", rec.ID)
	assert.Equal(t, "source", rec.Step)
	assert.Equal(t, fmt.Sprintf("a.jsonl:2: record of %d bytes is over max_record_bytes (1048576); skipped (the dead letter keeps its first 1024 bytes)", bigLineBytes), rec.Error)
	assert.Equal(t, "a.jsonl", rec.Metadata["file"])
	assert.Equal(t, "2", rec.Metadata["line"])
	assert.Equal(t, strconv.Itoa(bigLineBytes), rec.Metadata["size"])
	var head string
	require.NoError(t, json.Unmarshal(rec.Original, &head))
	assert.True(t, strings.HasPrefix(head, `{"id":"big","pad":"xxx`), head)
	assert.Len(t, head, 1024)
	got := ids(t, out)
	slices.Sort(got)
	assert.Equal(t, want, got, "each valid record once")

	t.Logf("engine peak resident memory: %d MiB", peak>>20)
	assert.Less(t, peak, int64(300<<20), "the engine's peak resident memory")
}
