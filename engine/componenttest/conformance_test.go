package componenttest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

// The engine's test components run the suite the connectors run, so
// that engine tests built on them stand for real connectors. test.nop
// does not: it writes nothing by design.

func TestLinesSource_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.jsonl")
		clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		n := 0
		f := componenttest.NewLinesSourceFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Dir, set.Clock = dir, clock
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{path: '*.jsonl', watch: 1s, batch_size: 2}"))
				require.NoError(t, err)
				return src
			},
			Input: func(t testing.TB, k int) int {
				var b strings.Builder
				for range k {
					n++
					fmt.Fprintf(&b, "{\"n\":%d}\n", n)
				}
				out, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
				require.NoError(t, err)
				_, err = out.WriteString(b.String())
				require.NoError(t, err)
				require.NoError(t, out.Close())
				return k
			},
			Step:     func() { clock.Advance(time.Second) },
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

func TestHookSource_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		f := componenttest.NewHookSourceFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{path: /hooks/in, header: X-Hook-Token, token: s3cret}"))
				require.NoError(t, err)
				return src
			},
			Request: func(_ testing.TB, i int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, "/hooks/in", strings.NewReader(fmt.Sprintf(`{"n":%d}`, i)))
				req.Header.Set("X-Hook-Token", "s3cret")
				return req
			},
		}
	})
}

func TestLinesSink_conformance(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		f := componenttest.NewLinesSinkFactory()
		var path string
		return connectortest.SinkSpec{
			New: func(t testing.TB, set component.SinkSettings) component.Sink {
				cfg := componenttest.DecodeConfig(t, f, "{path: out.jsonl, key: msg.id}").(*componenttest.LinesSinkConfig)
				cfg.Key.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
					return m.Body.(map[string]any)["id"], nil
				}))
				path = filepath.Join(set.DataDir, "out.jsonl")
				s, err := f.CreateSink(context.Background(), set, cfg)
				require.NoError(t, err)
				return s
			},
			Message: func(i int) *component.Message {
				return component.NewMessage(fmt.Sprint("m", i), map[string]any{"id": fmt.Sprint("r", i)})
			},
			Want: func(i int) string { return fmt.Sprintf(`{"id":"r%d"}`, i) },
			Written: func(t testing.TB) []string {
				data, err := os.ReadFile(path)
				if os.IsNotExist(err) {
					return nil
				}
				require.NoError(t, err)
				return strings.Fields(string(data))
			},
			Features: connectortest.SinkFeatures{Idempotent: true},
		}
	})
}
