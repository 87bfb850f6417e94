package transport_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/transport"
)

func record(id, payload string, md map[string]string) *message.Message {
	m := message.NewMessage(id, []byte(payload))
	m.Metadata = md
	if m.Metadata == nil {
		m.Metadata = message.Metadata{}
	}
	return m
}

func TestPack_round_trips_ids_metadata_and_payloads(t *testing.T) {
	records := []*message.Message{
		record("order-1", `{"a":1}`, map[string]string{"pw-key": "K1", "pw-received-at": "2026-12-05T10:00:00Z"}),
		record("order-2", ``, nil),
		record("", `"only a body"`, map[string]string{"pw-vars": `{"cust":"C1"}`, "empty": ""}),
		// values repeated from the record before, or equal to the id, and
		// a value of the record before under another key
		record("order-4", `{}`, map[string]string{"pw-correlation-id": "order-4", "pw-pipeline": "orders", "pw-received-at": "2026-12-05T10:00:00Z"}),
		record("order-5", `{}`, map[string]string{"pw-correlation-id": "order-4", "pw-pipeline": "orders", "pw-received-at": "2026-12-05T10:00:01Z", "pw-key": "orders"}),
		record("order-6", `{}`, map[string]string{"pw-correlation-id": "order-6", "pw-pipeline": "order", "pw-received-at": "2026-12-05T10:00:01Z"}),
	}
	back, err := transport.DecodePack(transport.EncodePack(records))
	require.NoError(t, err)
	require.Len(t, back, len(records))
	for i, r := range records {
		assert.Equal(t, r.UUID, back[i].UUID)
		assert.Equal(t, string(r.Payload), string(back[i].Payload))
		assert.Equal(t, r.Metadata, back[i].Metadata)
	}
}

func TestPack_rejects_malformed_payloads(t *testing.T) {
	good := transport.EncodePack([]*message.Message{record("a", `{}`, map[string]string{"k": "v"}), record("b", `[]`, nil)})
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"another version", append([]byte{9}, good[1:]...)},
		{"no records", []byte{1, 0}},
		{"cut short", good[:len(good)-1]},
		{"trailing bytes", append(append([]byte{}, good...), 0)},
		{"a length past the end", []byte{1, 1, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := transport.DecodePack(tt.data)
			assert.ErrorIs(t, err, transport.ErrBadPack)
		})
	}
}

func TestPackID_names_the_exact_records(t *testing.T) {
	ab := transport.PackID([]string{"a", "b"})
	assert.Equal(t, ab, transport.PackID([]string{"a", "b"}), "the same records")
	assert.NotEqual(t, ab, transport.PackID([]string{"a", "b", "c"}), "a republish with more records")
	assert.NotEqual(t, ab, transport.PackID([]string{"ab"}), "ids are length-prefixed")
	assert.NotEqual(t, ab, transport.PackID([]string{"b", "a"}))
}

func FuzzDecodePack(f *testing.F) {
	f.Add(transport.EncodePack([]*message.Message{record("a", `{"x":1}`, map[string]string{"k": "v"})}))
	f.Add([]byte{1, 2, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		records, err := transport.DecodePack(data)
		if err != nil {
			return
		}
		again, err := transport.DecodePack(transport.EncodePack(records))
		require.NoError(t, err, "what decodes encodes again")
		require.Len(t, again, len(records))
		for i := range records {
			assert.Equal(t, records[i].UUID, again[i].UUID)
			assert.Equal(t, string(records[i].Payload), string(again[i].Payload))
			assert.Equal(t, records[i].Metadata, again[i].Metadata)
		}
	})
}

func TestAppendPack_reuses_a_buffer_and_writes_what_EncodePack_writes(t *testing.T) {
	first := []*message.Message{record("a", `{"long":"a payload longer than the next pack's"}`, map[string]string{"k": "v"}), record("b", `[]`, nil)}
	second := []*message.Message{record("c", `{}`, map[string]string{"k": "w"}), record("d", `1`, nil)}
	buf := transport.AppendPack(nil, first)
	again := transport.AppendPack(buf[:0], second)
	assert.Equal(t, transport.EncodePack(second), again)
	assert.Equal(t, &buf[:1][0], &again[:1][0], "the second pack was written into the first's buffer")
	back, err := transport.DecodePack(again)
	require.NoError(t, err)
	require.Len(t, back, 2)
	assert.Equal(t, "c", back[0].UUID)
	assert.Equal(t, "1", string(back[1].Payload))
}
