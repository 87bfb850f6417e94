package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// asPipewright makes the test binary behave as the pipewright command.
const asPipewright = "PIPEWRIGHT_TEST_AS_MAIN"

// engineProc is `pipewright run` in a child process.
type engineProc struct {
	cmd     *exec.Cmd
	addr    string
	stderr  *componenttest.SyncBuffer
	exited  chan struct{} // closed once the process has exited
	waitErr error         // its exit status, set before exited is closed
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// startProc runs the engine on dir with its data in data and waits until it
// answers /healthz.
func startProc(t *testing.T, dir, data string, env ...string) *engineProc {
	t.Helper()
	return startProcArgs(t, dir, data, nil, env...)
}

// startProcArgs is startProc with extra flags for run.
func startProcArgs(t *testing.T, dir, data string, args []string, env ...string) *engineProc {
	t.Helper()
	p := launchProc(t, dir, data, args, env...)
	p.waitHealthy(t)
	return p
}

// launchProc starts the engine and returns at once: engines launched one
// after the other this way start at the same moment.
func launchProc(t *testing.T, dir, data string, args []string, env ...string) *engineProc {
	t.Helper()
	p := &engineProc{addr: freeAddr(t), stderr: &componenttest.SyncBuffer{}, exited: make(chan struct{})}
	args = append(append([]string{"run", "-listen", p.addr, "-data", data, "-workers", "8"}, args...), dir)
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(append(os.Environ(), asPipewright+"=1"), env...)
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.kill)
	return p
}

// waitHealthy waits until the engine answers /healthz, and fails the test
// if it exits first.
func (p *engineProc) waitHealthy(t *testing.T) {
	t.Helper()
	componenttest.WaitFor(t, "the engine to answer /healthz", func() bool {
		select {
		case <-p.exited:
			t.Fatalf("engine exited while starting (%v): %s", p.waitErr, p.stderr.String())
		default:
		}
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
}

// kill ends the process with SIGKILL (if it still runs) and waits for it.
func (p *engineProc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and requires a clean exit.
func (p *engineProc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
	case <-time.After(componenttest.WaitLimit):
		t.Fatalf("engine still running %s after SIGTERM: %s", componenttest.WaitLimit, p.stderr.String())
	}
	require.NoError(t, p.waitErr, p.stderr.String())
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	for name, data := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	}
}

// lines counts the complete lines of a file (0 when it does not exist).
func lines(t *testing.T, path string) int {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return bytes.Count(data, []byte("\n"))
}

// ids reads the id field of every line of a JSON-lines file.
func ids(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var m struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m.ID)
	}
	return out
}

func inputLines(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"id":"m%05d","v":%d}`+"\n", i, i)
	}
	return b.String()
}

// requireEachOnce requires every id of m00000..m<n-1> exactly once in got.
func requireEachOnce(t *testing.T, got []string, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("m%05d", i)
		require.Equal(t, 1, seen[id], "id %s", id)
	}
	require.Len(t, got, n, "nothing but the input")
}
