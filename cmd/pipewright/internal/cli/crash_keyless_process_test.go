package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// The keyless kill -9 test runs make bench's keyless crash project: the
// bench workload with a file sink without a key.
const (
	crashKeylessDir = "../../../../bench/crash-keyless"
	benchGen        = "../../../../bench/gen"
	// crashWorkers is the engine's -workers in engine-process tests
	// (launchProc): the packs a pipeline processes at a time
	// (transport.max_ack_pending, 512 by default, is above it).
	crashWorkers = 8
	// crashPackRecords is transport.pack.records in the bench project.
	crashPackRecords = 128
)

// TestCrash_kill_9_keyless_sink_loses_nothing_and_repeats_within_the_packs_in_flight
// kills `pipewright run` with SIGKILL three times while it maps bench
// orders into a file sink without a key (which drops repeats by message
// id: the done sets of packs), each time once the output holds another
// quarter of the orders' lines, and starts it again on the same data
// directory. Every order is then in the output, nothing else is, and each
// repeated line is the same document. A kill costs at most the records of
// the packs in flight: the redelivery writes again what the killed
// delivery of a pack had written before the pack's done set was (README,
// "Delivery guarantees"), and a pipeline processes at most -workers packs
// at a time, so each kill repeats at most crashWorkers*crashPackRecords
// records.
func TestCrash_kill_9_keyless_sink_loses_nothing_and_repeats_within_the_packs_in_flight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts engine processes")
	}
	const n, kills = 12000, 3
	tmp, data := t.TempDir(), t.TempDir()
	input := filepath.Join(tmp, "orders.jsonl")
	gen := exec.Command("go", "run", benchGen, "-n", strconv.Itoa(n), "-seed", "20260101", "-out", input)
	out, err := gen.CombinedOutput()
	require.NoError(t, err, "generating the orders: %s", out)
	want := inputOrderIDs(t, input)
	require.Len(t, want, n)

	env := "BENCH_INPUT=" + input
	fl := &orderFollower{path: filepath.Join(data, "out.jsonl"), docs: map[string][]byte{}}
	defer fl.close()
	for k := 1; k <= kills; k++ {
		p := startProc(t, crashKeylessDir, data, env)
		at := n * k / (kills + 1)
		componenttest.WaitFor(t, strconv.Itoa(at)+" lines before kill "+strconv.Itoa(k), func() bool {
			fl.read(t)
			return fl.lines >= at
		})
		p.kill()
		fl.read(t)
		fl.dropTorn(t)
		t.Logf("kill %d: %d lines, %d orders of %d", k, fl.lines, len(fl.docs), n)
		require.Less(t, len(fl.docs), n, "kill %d landed after the last order", k)
	}
	p := startProc(t, crashKeylessDir, data, env)
	componenttest.WaitFor(t, "every order in the output and nothing left in the stream", func() bool {
		fl.read(t)
		if len(fl.docs) < n {
			return false
		}
		backlog, ok := p.metric(t, "pipewright_stream_backlog", "orders")
		return ok && backlog == 0
	})
	dropped, _ := p.metric(t, "pipewright_sink_duplicates_dropped_total", "orders")
	p.stop(t)
	fl.read(t)

	var lost []string
	for _, id := range want {
		if fl.docs[id] == nil {
			lost = append(lost, id)
		}
	}
	require.Empty(t, lost, "orders lost")
	require.Len(t, fl.docs, n, "nothing but the input's orders")
	repeats := fl.lines - n
	bound := kills * crashWorkers * crashPackRecords
	t.Logf("%d orders, %d lines: %d written again (bound %d), %v repeats dropped by the last engine", n, fl.lines, repeats, bound, dropped)
	require.LessOrEqual(t, repeats, bound, "written again: more than the records of the packs in flight at the kills")
}

// inputOrderIDs reads the AmazonOrderId of every order in a generated input.
func inputOrderIDs(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o struct{ AmazonOrderId string }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &o))
		ids = append(ids, o.AmazonOrderId)
	}
	require.NoError(t, sc.Err())
	return ids
}

// orderFollower reads the bench output as the engine appends to it, only
// what was added since it last looked: the documents by CustPONo (a
// repeat must be the same document) and the complete lines.
type orderFollower struct {
	path    string
	f       *os.File
	partial []byte // the start of a line not complete yet
	lines   int
	docs    map[string][]byte
}

func (fl *orderFollower) read(t *testing.T) {
	t.Helper()
	if fl.f == nil {
		f, err := os.Open(fl.path)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		require.NoError(t, err)
		fl.f = f
	}
	more, err := io.ReadAll(fl.f)
	require.NoError(t, err)
	buf := append(fl.partial, more...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		line := buf[:i]
		buf = buf[i+1:]
		fl.lines++
		var d struct{ CustPONo string }
		require.NoError(t, json.Unmarshal(line, &d), "line %d: %s", fl.lines, line)
		if first, ok := fl.docs[d.CustPONo]; ok {
			require.Equal(t, string(first), string(line), "order %s written again as another document", d.CustPONo)
			continue
		}
		fl.docs[d.CustPONo] = bytes.Clone(line)
	}
	fl.partial = bytes.Clone(buf)
}

// dropTorn forgets a torn last line of a killed engine: the next engine
// cuts the file back to its complete lines before it appends.
func (fl *orderFollower) dropTorn(t *testing.T) {
	t.Helper()
	if len(fl.partial) == 0 {
		return
	}
	_, err := fl.f.Seek(-int64(len(fl.partial)), io.SeekCurrent)
	require.NoError(t, err)
	fl.partial = nil
}

func (fl *orderFollower) close() {
	if fl.f != nil {
		fl.f.Close()
	}
}

// metric reads a pipeline's value of a metric the engine serves; false
// when it cannot be read.
func (p *engineProc) metric(t *testing.T, name, pipeline string) (float64, bool) {
	t.Helper()
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(body)) {
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, `pipeline="`+pipeline+`"`) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[strings.LastIndexByte(line, ' ')+1:]), 64)
		return v, err == nil
	}
	return 0, false
}
