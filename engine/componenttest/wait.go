package componenttest

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// WaitLimit is how long a test waits for a condition before it fails. It is
// generous on purpose: a busy CI machine can be many times slower than a
// workstation, and a wait that ends as soon as its condition holds costs
// nothing when the test passes. Tests wait for conditions, never for
// durations.
const WaitLimit = 2 * time.Minute

// WaitFor polls cond until it holds, and fails the test if it does not
// within WaitLimit, with a dump of every goroutine. Unlike testify's Eventually, cond runs on the test's
// goroutine, so it may call t.Fatal or require.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s\n%s", WaitLimit, what, Goroutines())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Logger returns a logger for a component or engine under test, writing to
// LogWriter(t).
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(LogWriter(t), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// LogWriter returns where a test sends what the code under test prints (logs,
// a stdout sink's lines): nowhere, or t.Log when the test runs verbose
// (go test -v), so a passing test prints nothing.
func LogWriter(t testing.TB) io.Writer {
	if testing.Verbose() {
		return testWriter{t}
	}
	return io.Discard
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
