package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pipewright/pipewright/engine/component"
)

// openFile is the file a round reads, kept open across the round's polls.
type openFile struct {
	path, name string
	f          *os.File
	rr         *recordReader
	// handle turns a record into a message or a dead letter.
	handle func(ctx context.Context, rec record, b *batcher) error
	// at is where the next batch starts.
	at cursor
}

// readBatch reads the next batch of the file at path, from where the last
// one ended (the stored offset when the file is opened); done when the
// input of the file is exhausted. The batch's Ack stores the offset after
// it; a batch without Ack moved nothing.
func (s *source) readBatch(ctx context.Context, path string) (component.Batch, bool, error) {
	if s.cur == nil || s.cur.path != path {
		s.closeFile()
		of, err := s.openFile(ctx, path)
		if of == nil || err != nil {
			return component.Batch{}, true, err
		}
		s.cur = of
	}
	of := s.cur
	b := &batcher{s: s, name: of.name, cur: of.at}
	done := false
	for !done && !b.full() {
		if err := ctx.Err(); err != nil {
			return component.Batch{}, false, err
		}
		rec, err := s.next(of.rr)
		switch {
		case errors.Is(err, io.EOF):
			done = true
		case err != nil:
			return component.Batch{}, false, err
		default:
			if err := of.handle(ctx, rec, b); err != nil {
				return component.Batch{}, false, err
			}
		}
	}
	batch := component.Batch{Messages: b.msgs}
	if b.cur != of.at {
		name, at := of.name, b.cur
		batch.Ack = func(ctx context.Context) error { return s.saveCursor(ctx, name, at) }
		of.at = at
	}
	return batch, done, nil
}

// openFile opens the file at path where its stored offset says; nil when
// there is nothing to read yet (a CSV file without a complete header).
func (s *source) openFile(ctx context.Context, path string) (*openFile, error) {
	of := &openFile{path: path, name: filepath.Base(path)}
	cur, err := s.loadCursor(ctx, of.name)
	if err != nil {
		return nil, fmt.Errorf("reading the cursor of %s: %w", of.name, err)
	}
	if of.f, err = os.Open(path); err != nil {
		return nil, err
	}
	if s.cfg.Format == "csv" {
		err = s.openCSV(of, cur)
	} else {
		err = s.openJSONL(of, cur)
	}
	if err != nil || of.rr == nil {
		of.f.Close()
		return nil, err
	}
	return of, nil
}

// next returns the next record of rr, or io.EOF at the end of the input:
// also before a record the end of the file cut short while watching,
// which is read again once it is complete.
func (s *source) next(rr *recordReader) (record, error) {
	rec, err := rr.read()
	if err == nil && !rec.ended && s.cfg.Watch.D() > 0 {
		return record{}, io.EOF
	}
	return rec, err
}
