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
	reg, err := registry.New(file.Factories()...)
	require.NoError(b, err)
	p, err := config.Load("../pipeline", config.Options{Registry: reg,
		LookupEnv: func(string) (string, bool) { return "", false }})
	require.NoError(b, err)
	pl := p.Pipelines[0]
	payload, err := os.ReadFile("../../engine/component/testdata/order.json")
	require.NoError(b, err)
	env := &config.StepEnv{Globals: p.Globals}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		body, err := component.DecodeJSON(payload)
		if err != nil {
			b.Fatal(err)
		}
		res, err := pl.Steps[0].Run(ctx, env, &component.Message{ID: "1", Metadata: map[string]string{}, Body: body})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := component.EncodeJSON(res.Msg.Body); err != nil {
			b.Fatal(err)
		}
	}
}
