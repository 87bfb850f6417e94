package inproc_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/engine/service"
)

// BenchmarkEngine_order_workload runs bench/pipeline in-process: b.N
// generated orders from a file through JetStream, the mapping and a file
// sink. Reports orders/s.
func BenchmarkEngine_order_workload(b *testing.B) {
	dir, err := filepath.Abs("../pipeline")
	require.NoError(b, err)
	tmp := b.TempDir()
	input := filepath.Join(tmp, "orders.jsonl")
	gen := exec.Command("go", "run", "../gen", "-n", "50000", "-seed", "20260101", "-out", input)
	gen.Stderr = os.Stderr
	require.NoError(b, gen.Run())
	n := 50000
	reg, err := registry.New(file.Factories()...)
	require.NoError(b, err)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data := filepath.Join(tmp, "data", time.Now().Format("150405.000000"))
		p, err := config.Load(dir, config.Options{Registry: reg, LookupEnv: func(k string) (string, bool) {
			switch k {
			case "BENCH_INPUT":
				return input, true
			case "PIPEWRIGHT_LISTEN":
				return "127.0.0.1:0", true
			}
			return "", false
		}})
		require.NoError(b, err)
		e, err := service.New(service.Options{Project: p, DataDir: data, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		require.NoError(b, err)
		start := time.Now()
		require.NoError(b, e.Start(context.Background()))
		for delivered(b, e) < float64(n) {
			time.Sleep(10 * time.Millisecond)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "orders/s")
		require.NoError(b, e.Shutdown(context.Background()))
	}
}

// delivered is the engine's pipewright_messages_out_total.
func delivered(b *testing.B, e *service.Engine) float64 {
	families, err := e.Registry().Gather()
	require.NoError(b, err)
	total := 0.0
	for _, f := range families {
		if f.GetName() == "pipewright_messages_out_total" {
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}
