package file_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// neverSeen is a SeenIDs that has seen nothing and records nothing: the
// benchmark measures the sink, not the engine's seen-id bucket.
type neverSeen struct{}

func (neverSeen) Seen(context.Context, string) (bool, error) { return false, nil }
func (neverSeen) Record(context.Context, string) error       { return nil }

// BenchmarkSink_writes_a_batch_of_orders appends one batch of 100 mapped
// orders (the standard workload's output documents) per iteration to a
// file sink without a key, as the engine's sink does: encode, note,
// append, record the ids (in a SeenIDs that does nothing).
func BenchmarkSink_writes_a_batch_of_orders(b *testing.B) {
	data, err := os.ReadFile("testdata/sales_order.json")
	require.NoError(b, err)
	doc, err := component.DecodeJSON(data)
	require.NoError(b, err)
	set := component.SinkSettings{Settings: componenttest.NewSettings(b, "bench/sink")}
	set.Seen = neverSeen{}
	f := file.NewSinkFactory()
	s, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(b, f, "path: out.jsonl"))
	require.NoError(b, err)
	require.NoError(b, s.Start(context.Background()))
	defer s.Shutdown(context.Background())
	batch := make([]*component.Message, 100)
	b.SetBytes(int64(len(batch) * (len(data) + 1)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range batch {
			n++
			batch[i] = &component.Message{ID: strconv.Itoa(n), Body: doc}
		}
		if err := s.Write(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
}
