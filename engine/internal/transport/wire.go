package transport

import (
	"encoding/json"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
)

// Wire metadata keys.
const (
	// MetaVars carries lookup results (JSON) on replayed messages.
	MetaVars = "pw-vars"
	// MetaResumeStep is the index of the step a replayed message starts at.
	MetaResumeStep = "pw-resume-step"
	// MetaDelivered is the delivery count (1 for the first), set on receipt.
	MetaDelivered = "pw-delivered"
	// MetaStreamSeq is the message's stream sequence, set on receipt.
	MetaStreamSeq = "pw-stream-seq"
	// MetaReplayID names the replay whose outcome should be recorded.
	MetaReplayID = "pw-replay-id"
	// MetaPackIndex is a record's index in its pack, set on receipt.
	MetaPackIndex = "pw-pack-index"
)

// ToWire encodes a message: the body as JSON payload, metadata as headers,
// vars (when any) as JSON in a metadata entry. The watermill UUID is the
// message ID, which the publisher sends as Nats-Msg-Id. A json.RawMessage
// body (JSON a source passes on as read) is the payload as it is, not a
// copy.
func ToWire(m *component.Message) (*message.Message, error) {
	payload, raw := m.Body.(json.RawMessage)
	if !raw {
		var err error
		if payload, err = component.EncodeJSON(m.Body); err != nil {
			return nil, component.Permanentf("encoding message %s: %v", m.ID, err)
		}
	}
	wm := message.NewMessage(m.ID, message.Payload(payload))
	for k, v := range m.Metadata {
		wm.Metadata.Set(k, v)
	}
	if len(m.Vars) > 0 {
		vars, err := component.EncodeJSON(m.Vars)
		if err != nil {
			return nil, component.Permanentf("encoding vars of message %s: %v", m.ID, err)
		}
		wm.Metadata.Set(MetaVars, string(vars))
	}
	return wm, nil
}

// FromWire decodes a message. Its metadata is wm's metadata map itself
// (no copy), from which the engine-internal wire entries are removed:
// wm's metadata is the message's from then on.
func FromWire(wm *message.Message) (*component.Message, error) {
	body, err := component.DecodeJSON(wm.Payload)
	if err != nil {
		return nil, fmt.Errorf("decoding message %s: %w", wm.UUID, err)
	}
	md := map[string]string(wm.Metadata)
	if md == nil {
		md = map[string]string{}
	}
	m := &component.Message{ID: wm.UUID, Body: body, Metadata: md}
	if v, ok := md[MetaVars]; ok {
		vars, err := component.DecodeJSON([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("decoding vars of message %s: %w", wm.UUID, err)
		}
		m.Vars, _ = vars.(map[string]any)
	}
	for _, k := range [...]string{MetaVars, MetaResumeStep, MetaDelivered, MetaStreamSeq, MetaPackIndex} {
		delete(md, k)
	}
	return m, nil
}
