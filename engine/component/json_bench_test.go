package component_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

// benchOrder runs fn on one order of the standard workload
// (testdata/order.json, as bench/gen writes them) per iteration.
func benchOrder(b *testing.B, fn func(data []byte) error) {
	data, err := os.ReadFile("testdata/order.json")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := fn(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJSON_order decodes an order, as the engine decodes every
// stream message.
func BenchmarkDecodeJSON_order(b *testing.B) {
	benchOrder(b, func(data []byte) error {
		_, err := component.DecodeJSON(data)
		return err
	})
}

// BenchmarkEncodeJSON_order encodes a decoded order.
func BenchmarkEncodeJSON_order(b *testing.B) {
	data, err := os.ReadFile("testdata/order.json")
	require.NoError(b, err)
	v, err := component.DecodeJSON(data)
	require.NoError(b, err)
	benchOrder(b, func([]byte) error {
		_, err := component.EncodeJSON(v)
		return err
	})
}

// BenchmarkCheckJSON_order checks an order as the file source checks every
// JSON line it passes on.
func BenchmarkCheckJSON_order(b *testing.B) { benchOrder(b, component.CheckJSON) }

// BenchmarkCheckJSON_order_encoding_json is BenchmarkCheckJSON_order with
// encoding/json's Valid, which the file source used before.
func BenchmarkCheckJSON_order_encoding_json(b *testing.B) {
	benchOrder(b, func(data []byte) error {
		if !json.Valid(data) {
			return errors.New("invalid")
		}
		return nil
	})
}
