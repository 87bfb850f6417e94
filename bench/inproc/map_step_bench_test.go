package inproc_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
)

// BenchmarkMapStep_bench_order is the per-record work of the standard
// workload's consumer (bench/pipeline) without the transport: decode one
// order from its JSON payload, run the map step, encode the result as the
// file sink does.
func BenchmarkMapStep_bench_order(b *testing.B) {
	step, env, payload := benchMapStep(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		body, err := component.DecodeJSON(payload)
		if err != nil {
			b.Fatal(err)
		}
		res, err := step.Run(ctx, env, &component.Message{ID: "1", Metadata: map[string]string{}, Body: body})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := component.EncodeJSON(res.Msg.Body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapStep_bench_order_step is the map step of
// BenchmarkMapStep_bench_order alone, on a decoded order.
func BenchmarkMapStep_bench_order_step(b *testing.B) {
	step, env, payload := benchMapStep(b)
	body, err := component.DecodeJSON(payload)
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := step.Run(ctx, env, &component.Message{ID: "1", Metadata: map[string]string{}, Body: body}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMapStep loads bench/pipeline and returns its map step, the step
// environment and one order of the standard workload as JSON.
func benchMapStep(b *testing.B) (*config.Step, *config.StepEnv, []byte) {
	reg, err := registry.New(file.Factories()...)
	require.NoError(b, err)
	p, err := config.Load("../pipeline", config.Options{Registry: reg,
		LookupEnv: func(string) (string, bool) { return "", false }})
	require.NoError(b, err)
	payload, err := os.ReadFile("../../engine/component/testdata/order.json")
	require.NoError(b, err)
	return p.Pipelines[0].Steps[0], &config.StepEnv{Globals: p.Globals}, payload
}
