package component

import "maps"

// Metadata keys the engine sets on every message.
const (
	// MetaCorrelationID ties together every message derived from one input.
	MetaCorrelationID = "pw-correlation-id"
	// MetaPipeline is the pipeline the message belongs to.
	MetaPipeline = "pw-pipeline"
	// MetaStep is the step the message is at (set on dead letters and replays).
	MetaStep = "pw-step"
	// MetaKey is the message's idempotency key, when the source knows one.
	MetaKey = "pw-key"
	// MetaReceivedAt is when the source received the message (RFC 3339, UTC).
	MetaReceivedAt = "pw-received-at"
)

// Message is one unit of work flowing through a pipeline.
//
// Body and Vars hold JSON-like values: nil, bool, string, int64, float64,
// decimal.Decimal (github.com/govalues/decimal) for exact amounts, time.Time,
// []any and map[string]any. DecodeJSON and EncodeJSON convert them to and from
// JSON without losing precision. A source may set Body to a json.RawMessage
// holding valid JSON it read, to publish it without decoding and encoding it
// again; steps and sinks always receive decoded values.
type Message struct {
	// ID identifies the message for de-duplication (Nats-Msg-Id): a source
	// that sees the same event twice gives it the same ID.
	ID string
	// Metadata is string key/value data carried beside the body.
	Metadata map[string]string
	// Body is the payload.
	Body any
	// Vars holds named values bound by lookup steps, visible to later steps.
	Vars map[string]any
}

// NewMessage returns a message with the given ID and body and empty metadata.
func NewMessage(id string, body any) *Message {
	return &Message{ID: id, Metadata: map[string]string{}, Body: body}
}

// Meta returns the metadata value for key, or "".
func (m *Message) Meta(key string) string {
	if m.Metadata == nil {
		return ""
	}
	return m.Metadata[key]
}

// SetMeta sets a metadata value, allocating the map when needed.
func (m *Message) SetMeta(key, value string) {
	if m.Metadata == nil {
		m.Metadata = map[string]string{}
	}
	m.Metadata[key] = value
}

// Clone returns a copy of m whose metadata and vars maps can be changed
// without affecting m. The body and the values in Vars are shared.
func (m *Message) Clone() *Message {
	return &Message{ID: m.ID, Metadata: maps.Clone(m.Metadata), Body: m.Body, Vars: maps.Clone(m.Vars)}
}
