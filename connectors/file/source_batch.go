package file

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pipewright/pipewright/engine/component"
)

// batchBytes bounds the bodies a batch holds before it is published,
// whatever batch_size says, so memory stays bounded with large records.
const batchBytes = 4 << 20

// maxDeadLetterText bounds the raw text a dead letter keeps of a record: a
// dead-letter record holds the body twice, JSON-escaped, and must fit the
// transport's payload.
const maxDeadLetterText = 64 << 10

// batcher collects the messages of one batch of a file and the cursor
// after them.
type batcher struct {
	s     *source
	name  string
	msgs  []*component.Message
	bytes int
	cur   cursor
}

// message makes the message of a record.
func (b *batcher) message(rec record, body any) *component.Message {
	line := strconv.Itoa(rec.line)
	msg := component.NewMessage(b.name+":"+line, body)
	msg.SetMeta("file", b.name)
	msg.SetMeta("line", line)
	return msg
}

// publish queues the record read as body. The id expression sees body;
// raw, when not nil, is body's JSON as it is published.
func (b *batcher) publish(ctx context.Context, rec record, body any, raw []byte) error {
	msg := b.message(rec, body)
	if !b.s.cfg.ID.IsZero() {
		id, err := b.s.cfg.ID.EvalString(ctx, msg)
		if err != nil {
			return b.reject(ctx, rec, fmt.Errorf("id: %v", err))
		}
		msg.ID = id
	}
	if raw == nil {
		var err error
		if raw, err = component.EncodeJSON(body); err != nil {
			return b.reject(ctx, rec, err)
		}
	}
	if p := b.s.set.MaxPayload; p > 0 && int64(len(raw)+metaRoom+3*len(msg.ID)) > p {
		return b.reject(ctx, rec, fmt.Errorf("the record is %d bytes as JSON, too large for the transport's maximum payload of %d bytes", len(raw), p))
	}
	msg.Body = json.RawMessage(raw)
	b.cur = rec.end
	b.msgs = append(b.msgs, msg)
	b.bytes += len(raw)
	return nil
}

// full reports whether the batch holds batch_size messages or batchBytes
// of bodies.
func (b *batcher) full() bool {
	return len(b.msgs) >= b.s.cfg.BatchSize || b.bytes >= batchBytes
}

// reject dead-letters a record that cannot be published, with its text
// (its start only when it is long) as body.
func (b *batcher) reject(ctx context.Context, rec record, reason error) error {
	text, note := rec.data, ""
	if limit := b.deadLetterText(); len(text) > limit {
		text = wholeRunes(text[:limit])
		note = fmt.Sprintf(" (the dead letter keeps the first %d of its %d bytes)", len(text), len(rec.data))
	}
	return b.deadLetter(ctx, rec, string(trimLine(text)), fmt.Errorf("%v%s", reason, note))
}

// tooLarge dead-letters a record over the read limit, with its first
// bytes as body.
func (b *batcher) tooLarge(ctx context.Context, rec record) error {
	reason := fmt.Errorf("record of %d bytes is over max_record_bytes (%d); skipped", rec.size, b.s.cfg.MaxRecordBytes)
	if rec.size <= int64(b.s.cfg.MaxRecordBytes) {
		reason = fmt.Errorf("record of %d bytes is too large for the transport's maximum payload of %d bytes; skipped", rec.size, b.s.set.MaxPayload)
	}
	msg := fmt.Errorf("%w (the dead letter keeps its first %d bytes)", reason, len(rec.head))
	return b.deadLetter(ctx, rec, string(rec.head), msg)
}

func (b *batcher) deadLetter(ctx context.Context, rec record, text string, reason error) error {
	b.cur = rec.end
	msg := b.message(rec, text)
	msg.SetMeta("size", strconv.FormatInt(rec.size, 10))
	return b.s.set.DeadLetter.DeadLetter(ctx, msg, component.Permanentf("%s: %v", msg.ID, reason))
}

// deadLetterText is how much of a record's text a dead letter keeps.
func (b *batcher) deadLetterText() int {
	if p := b.s.set.MaxPayload; p > 0 {
		return int(min(maxDeadLetterText, p/16))
	}
	return maxDeadLetterText
}
