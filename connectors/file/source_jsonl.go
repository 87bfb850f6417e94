package file

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"

	"github.com/pipewright/pipewright/engine/component"
)

func (s *source) readJSONL(ctx context.Context, f *os.File, cur cursor, b *batcher) error {
	if _, err := f.Seek(cur.offset, io.SeekStart); err != nil {
		return err
	}
	rr := newRecordReader(f, cur, s.readLimit(), lineSplitter{})
	return s.eachRecord(ctx, rr, func(rec record) error { return s.jsonLine(ctx, rec, b) })
}

// jsonLine publishes one line, dead-letters it, or skips it when blank.
func (s *source) jsonLine(ctx context.Context, rec record, b *batcher) error {
	if rec.data == nil {
		return b.tooLarge(ctx, rec)
	}
	line := trimLine(rec.data)
	if len(line) == 0 {
		b.cur = rec.end
		return nil
	}
	if s.cfg.ID.IsZero() {
		if !json.Valid(line) {
			_, err := component.DecodeJSON(line) // for the position of the mistake
			return b.reject(ctx, rec, err)
		}
		raw := bytes.Clone(line) // passed on as read, not decoded here
		return b.publish(ctx, rec, json.RawMessage(raw), raw)
	}
	body, err := component.DecodeJSON(line) // for the id expression
	if err != nil {
		return b.reject(ctx, rec, err)
	}
	return b.publish(ctx, rec, body, bytes.Clone(line))
}

// trimLine drops a line's end and trailing spaces.
func trimLine(line []byte) []byte { return bytes.TrimRight(line, "\r\n ") }
