package file

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/pipewright/pipewright/engine/component"
)

// openJSONL positions of's reader at cur.
func (s *source) openJSONL(of *openFile, cur cursor) error {
	if _, err := of.f.Seek(cur.offset, io.SeekStart); err != nil {
		return err
	}
	of.rr, of.at = newRecordReader(of.f, cur, s.readLimit(), lineSplitter{}), cur
	of.handle = s.jsonLine
	return nil
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
		if err := component.CheckJSON(line); err != nil {
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
