package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/pipewright/pipewright/engine/component"
)

// openCSV reads the header of of's file and positions its reader at cur
// (after the header when cur is the start); of.rr stays nil when the file
// holds no complete header yet.
func (s *source) openCSV(of *openFile, cur cursor) error {
	p := newCSVParser(s.cfg.Delimiter)
	rr := newRecordReader(of.f, cursor{}, s.readLimit(), newCSVSplitter(p.comma))
	header, end, err := s.csvHeader(rr, p, of.name)
	if errors.Is(err, io.EOF) {
		return nil // empty, or the header is not complete yet
	}
	if err != nil {
		return err
	}
	if cur.offset == 0 {
		cur = end
	} else {
		if _, err := of.f.Seek(cur.offset, io.SeekStart); err != nil {
			return err
		}
		rr = newRecordReader(of.f, cur, s.readLimit(), newCSVSplitter(p.comma))
	}
	of.rr, of.at = rr, cur
	of.handle = func(ctx context.Context, rec record, b *batcher) error { return s.csvRecord(ctx, rec, header, p, b) }
	return nil
}

// csvHeader reads the first record that is not blank: the field names.
func (s *source) csvHeader(rr *recordReader, p *csvParser, name string) ([]string, cursor, error) {
	for {
		rec, err := s.next(rr)
		if err != nil {
			return nil, cursor{}, err
		}
		if rec.data == nil {
			return nil, cursor{}, component.Permanentf("%s:%d: the header of %d bytes is over the limit of %d", name, rec.line, rec.size, rr.max)
		}
		header, err := p.parse(rec)
		if errors.Is(err, io.EOF) {
			continue // a blank line
		}
		if err != nil {
			return nil, cursor{}, component.Permanentf("%s:%d: header: %v", name, rec.line, err)
		}
		return header, rec.end, nil
	}
}

// csvRecord publishes one record as an object keyed by the header's names,
// dead-letters it, or skips it when blank.
func (s *source) csvRecord(ctx context.Context, rec record, header []string, p *csvParser, b *batcher) error {
	if rec.data == nil {
		return b.tooLarge(ctx, rec)
	}
	fields, err := p.parse(rec)
	if errors.Is(err, io.EOF) {
		b.cur = rec.end // a blank line
		return nil
	}
	if err != nil {
		return b.reject(ctx, rec, err)
	}
	if len(fields) != len(header) {
		return b.reject(ctx, rec, fmt.Errorf("%d fields, the header has %d", len(fields), len(header)))
	}
	row := make(map[string]any, len(header))
	for i, h := range header {
		row[h] = fields[i]
	}
	return b.publish(ctx, rec, row, nil)
}

// csvParser parses one record at a time with encoding/csv.
type csvParser struct {
	comma rune
	in    bytes.Reader
	buf   *bufio.Reader // reused: csv.NewReader keeps a *bufio.Reader as it is
}

func newCSVParser(delimiter string) *csvParser {
	p := &csvParser{comma: ',', buf: bufio.NewReaderSize(nil, 4096)}
	if delimiter != "" {
		p.comma = []rune(delimiter)[0]
	}
	return p
}

// parse returns a record's fields, or io.EOF for a blank line. A parse
// error gives the line numbers in the file.
func (p *csvParser) parse(rec record) ([]string, error) {
	p.in.Reset(rec.data)
	p.buf.Reset(&p.in)
	r := csv.NewReader(p.buf)
	r.Comma, r.FieldsPerRecord = p.comma, -1
	fields, err := r.Read()
	if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
		moved := *pe
		moved.StartLine += rec.line - 1
		moved.Line += rec.line - 1
		return nil, &moved
	}
	if err != nil {
		return nil, err
	}
	if _, err := r.Read(); !errors.Is(err, io.EOF) {
		// The splitter ends a record where encoding/csv does; should they
		// ever disagree, the rest is reported rather than dropped.
		return nil, errors.New("unexpected data after the record")
	}
	return fields, nil
}
