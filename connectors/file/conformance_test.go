package file_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

func TestSource_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.jsonl")
		require.NoError(t, os.WriteFile(path, nil, 0o644))
		clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		n := 0
		f := file.NewSourceFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Dir, set.Clock = dir, clock
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "path: in.jsonl\nwatch: 1s\nbatch_size: 2"))
				require.NoError(t, err)
				return src
			},
			Input: func(t testing.TB, k int) int {
				var b strings.Builder
				for range k {
					n++
					fmt.Fprintf(&b, "{\"n\":%d}\n", n)
				}
				appendTo(t, path, b.String())
				return k
			},
			Step:     func() { clock.Advance(time.Second) },
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

// The sink is idempotent both ways: by key when it has one, else by
// message id.
func TestSink_conformance(t *testing.T) {
	for _, keyed := range []bool{true, false} {
		name := map[bool]string{true: "by_key", false: "by_message_id"}[keyed]
		t.Run(name, func(t *testing.T) {
			connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec { return sinkSpec(keyed) })
		})
	}
}

func sinkSpec(keyed bool) connectortest.SinkSpec {
	d := &disk{free: -1}
	var mu sync.Mutex
	var path string
	f := file.NewSinkFactoryOpening(d.open)
	return connectortest.SinkSpec{
		New: func(t testing.TB, set component.SinkSettings) component.Sink {
			cfg := componenttest.DecodeConfig(t, f, "path: out.jsonl\nsync: true").(*file.SinkConfig)
			if keyed {
				cfg.Key = component.NewExpr("msg.id")
				cfg.Key.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
					return m.Body.(map[string]any)["id"], nil
				}))
			}
			mu.Lock()
			path = filepath.Join(set.DataDir, "out.jsonl")
			mu.Unlock()
			s, err := f.CreateSink(context.Background(), set, cfg)
			require.NoError(t, err)
			return s
		},
		Message: func(i int) *component.Message { return records(i, i)[0] },
		Want:    func(i int) string { return fmt.Sprintf(`{"id":"r%d"}`, i) },
		Written: func(t testing.TB) []string {
			mu.Lock()
			defer mu.Unlock()
			return readLines(t, path)
		},
		Bad: func() *component.Message {
			return component.NewMessage("bad", map[string]any{"id": "bad", "v": make(chan int)})
		},
		Break: func(testing.TB) func() {
			d.setFree(0)
			return func() { d.setFree(-1) }
		},
		Features: connectortest.SinkFeatures{Idempotent: true, IdempotentAcrossRestarts: true},
	}
}

func TestStdout_conformance(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		out := &componenttest.SyncBuffer{}
		f := file.NewStdoutFactoryTo(out)
		return connectortest.SinkSpec{
			New: func(t testing.TB, set component.SinkSettings) component.Sink {
				s, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, f, ""))
				require.NoError(t, err)
				return s
			},
			Message: func(i int) *component.Message { return records(i, i)[0] },
			Want:    func(i int) string { return fmt.Sprintf(`{"id":"r%d"}`, i) },
			Written: func(testing.TB) []string { return splitLines([]byte(out.String())) },
			Bad: func() *component.Message {
				return component.NewMessage("bad", map[string]any{"v": make(chan int)})
			},
		}
	})
}

// readLines returns the lines of the file at path (none when it does not
// exist).
func readLines(t testing.TB, path string) []string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	return splitLines(data)
}

func splitLines(data []byte) []string {
	var out []string
	for _, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if len(l) > 0 {
			out = append(out, string(l))
		}
	}
	return out
}
