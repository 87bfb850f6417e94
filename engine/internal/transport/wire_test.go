package transport_test

import (
	"encoding/json"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

func TestWire_carries_body_metadata_and_vars(t *testing.T) {
	tests := []struct {
		name        string
		body        any
		wantPayload string
		wantBody    any
	}{
		{"a raw body is the payload as read", json.RawMessage(`{"b": 1.50, "a":"x"}`), `{"b": 1.50, "a":"x"}`,
			map[string]any{"a": "x", "b": decimal.MustParse("1.50")}},
		{"a value is encoded", map[string]any{"b": decimal.MustParse("1.50"), "a": "x"}, `{"a":"x","b":1.50}`,
			map[string]any{"a": "x", "b": decimal.MustParse("1.50")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &component.Message{ID: "id-1", Metadata: map[string]string{component.MetaKey: "k"}, Body: tt.body,
				Vars: map[string]any{"cust": "C1"}}
			wm, err := transport.ToWire(m)
			require.NoError(t, err)
			assert.Equal(t, "id-1", wm.UUID)
			assert.Equal(t, tt.wantPayload, string(wm.Payload))
			for _, k := range []string{transport.MetaDelivered, transport.MetaStreamSeq, transport.MetaPackIndex, transport.MetaResumeStep} {
				wm.Metadata.Set(k, "2")
			}
			back, err := transport.FromWire(wm)
			require.NoError(t, err)
			assert.Equal(t, &component.Message{ID: "id-1", Metadata: map[string]string{component.MetaKey: "k"}, Body: tt.wantBody,
				Vars: map[string]any{"cust": "C1"}}, back, "engine-internal metadata is dropped")
		})
	}
}
