package transport

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
)

// MetaPack marks a stream message that carries a pack: several records,
// each a wire message of its own (ID, metadata, payload), in the compact
// binary form of EncodePack. Its value is the number of records. A message
// without it is one record in the form of ToWire.
const MetaPack = "pw-pack"

// packVersion is the first byte of a pack's payload.
const packVersion = 1

// ErrBadPack is the error of a pack payload that cannot be decoded.
var ErrBadPack = errors.New("malformed pack")

// EncodePack returns the pack payload of records: a version byte, the
// record count, then per record its ID, its metadata (sorted by key) and its
// payload, each length-prefixed (unsigned varints).
func EncodePack(records []*message.Message) []byte {
	return AppendPack(nil, records)
}

// AppendPack appends the pack payload of records (see EncodePack) to b and
// returns the extended slice: a publisher that reuses b once JetStream
// acknowledged the pack allocates no new buffer per pack.
func AppendPack(b []byte, records []*message.Message) []byte {
	size := 1 + binary.MaxVarintLen64
	for _, r := range records {
		size += PackedSize(r)
	}
	b = slices.Grow(b, size)
	b = append(b, packVersion)
	b = binary.AppendUvarint(b, uint64(len(records)))
	keys := make([]string, 0, 8)
	for _, r := range records {
		b = appendBytes(b, r.UUID)
		keys = keys[:0]
		for k := range r.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = binary.AppendUvarint(b, uint64(len(keys)))
		for _, k := range keys {
			b = appendBytes(b, k)
			b = appendBytes(b, r.Metadata[k])
		}
		b = appendBytes(b, string(r.Payload))
	}
	return b
}

// PackedSize is about the bytes a record takes in a pack (an upper bound).
func PackedSize(r *message.Message) int {
	n := binary.MaxVarintLen32*2 + len(r.UUID) + len(r.Payload)
	for k, v := range r.Metadata {
		n += binary.MaxVarintLen32*2 + len(k) + len(v)
	}
	return n
}

func appendBytes(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// DecodePack returns the records of a pack payload. The records' payloads
// share data's memory. Only the pack is acknowledged: the records carry no
// Ack/Nack channels (Watermill's Ack and Nack accept that; Acked and Nacked
// return nil channels, which nothing waits on).
func DecodePack(data []byte) ([]*message.Message, error) {
	d := packReader{b: data}
	if v := d.byte(); v != packVersion {
		return nil, fmt.Errorf("%w: version %d", ErrBadPack, v)
	}
	n := d.uvarint()
	if d.err != nil || n == 0 || n > uint64(len(data)) {
		return nil, fmt.Errorf("%w: record count", ErrBadPack)
	}
	records := make([]*message.Message, 0, n)
	var last metaStrings
	for range n {
		id := string(d.bytes())
		nmeta := d.uvarint()
		if d.err != nil || nmeta > uint64(len(d.b)) {
			return nil, fmt.Errorf("%w: metadata of record %d", ErrBadPack, len(records)+1)
		}
		// Not message.NewMessage: a record is not acknowledged on its own
		// (its pack is), so it is made without the channels of Ack and
		// Nack, and its metadata at its size.
		r := &message.Message{UUID: id, Metadata: make(message.Metadata, nmeta)}
		for range nmeta {
			k := last.key(d.bytes())
			r.Metadata[k] = last.value(k, d.bytes(), id)
		}
		r.Payload = d.bytes()
		if d.err != nil {
			return nil, fmt.Errorf("%w: record %d", ErrBadPack, len(records)+1)
		}
		records = append(records, r)
	}
	if len(d.b) > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last record", ErrBadPack, len(d.b))
	}
	return records, nil
}

// metaStrings makes the metadata strings of a pack's records, sharing
// those that repeat: the engine's keys are constants, another key is
// copied once per pack, and a value equal to the record's id or to the
// previous record's value of the same key (the pipeline, the time the
// batch was received) is not copied again.
type metaStrings struct {
	prev map[string]string // key -> the previous record's value
	keys map[string]string // the other keys seen, each itself
}

// key returns the key in b.
func (m *metaStrings) key(b []byte) string {
	switch string(b) { // no copy: compared in place
	case component.MetaCorrelationID:
		return component.MetaCorrelationID
	case component.MetaPipeline:
		return component.MetaPipeline
	case component.MetaReceivedAt:
		return component.MetaReceivedAt
	case component.MetaKey:
		return component.MetaKey
	}
	if k, ok := m.keys[string(b)]; ok {
		return k
	}
	k := string(b)
	if m.keys == nil {
		m.keys = make(map[string]string, 4)
	}
	m.keys[k] = k
	return k
}

// value returns the value in b of key k for the record with the given id.
func (m *metaStrings) value(k string, b []byte, id string) string {
	if string(b) == id {
		return id
	}
	if v, ok := m.prev[k]; ok && string(b) == v {
		return v
	}
	v := string(b)
	if m.prev == nil {
		m.prev = make(map[string]string, 8)
	}
	m.prev[k] = v
	return v
}

// packReader reads a pack payload; the first error sticks.
type packReader struct {
	b   []byte
	err error
}

func (r *packReader) byte() byte {
	if len(r.b) == 0 {
		r.err = ErrBadPack
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *packReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = ErrBadPack
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *packReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = ErrBadPack
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// PackID is the message ID (Nats-Msg-Id) of a pack of records with ids:
// a digest of every id in order, so a pack is a duplicate of another only
// when it carries exactly the same records.
func PackID(ids []string) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, id := range ids {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(id)))])
		h.Write([]byte(id))
	}
	return "pack:" + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}
