package component_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

// BenchmarkDecodeJSON_order decodes one order of the standard workload
// (testdata/order.json, as bench/gen writes them), as the engine decodes
// every stream message.
func BenchmarkDecodeJSON_order(b *testing.B) {
	data, err := os.ReadFile("testdata/order.json")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := component.DecodeJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeJSON_order encodes one decoded order.
func BenchmarkEncodeJSON_order(b *testing.B) {
	data, err := os.ReadFile("testdata/order.json")
	require.NoError(b, err)
	v, err := component.DecodeJSON(data)
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := component.EncodeJSON(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckJSON_order checks one order as the file source checks
// every JSON line it passes on.
func BenchmarkCheckJSON_order(b *testing.B) {
	data, err := os.ReadFile("testdata/order.json")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := component.CheckJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckJSON_order_encoding_json is BenchmarkCheckJSON_order
// with encoding/json's Valid, which the file source used before.
func BenchmarkCheckJSON_order_encoding_json(b *testing.B) {
	data, err := os.ReadFile("testdata/order.json")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !json.Valid(data) {
			b.Fatal("invalid")
		}
	}
}
