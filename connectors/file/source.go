package file

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// sourceFactory creates file sources.
type sourceFactory struct{}

var _ component.SourceFactory = sourceFactory{}

// NewSourceFactory returns the factory of the file source.
func NewSourceFactory() component.SourceFactory { return sourceFactory{} }

func (sourceFactory) Type() component.Type           { return "file" }
func (sourceFactory) Kind() component.Kind           { return component.KindSource }
func (sourceFactory) Schema() []byte                 { return []byte(sourceSchema) }
func (sourceFactory) NewConfig() any                 { return &SourceConfig{} }
func (sourceFactory) ConnectionType() component.Type { return "" }

func (sourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	return &source{cfg: cfg.(*SourceConfig), set: set}, nil
}

// source reads files and publishes their records. Its durable state is the
// byte offset reached in each file ("offset/<file>"), stored only after the
// records before it were published.
type source struct {
	cfg    *SourceConfig
	set    component.SourceSettings
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (s *source) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.run(ctx)
	}()
	return nil
}

func (s *source) Shutdown(context.Context) error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return nil
}

// retryWait is how long a source without watch waits before it tries again
// after a failure that is not permanent (a publish the transport refused).
const retryWait = 5 * time.Second

func (s *source) run(ctx context.Context) {
	for {
		err := s.readAll(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := s.cfg.Watch.D()
		switch {
		case err == nil && wait == 0:
			s.set.Logger.Info("file source reached the end of its input")
			return
		case err == nil:
		case wait == 0 && component.IsPermanent(err):
			s.set.Logger.Error("file source failed; stopping", "error", err)
			return
		default:
			wait = cmp.Or(wait, retryWait)
			s.set.Logger.Error("file source failed; retrying", "error", err, "in", wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.set.Clock.After(wait):
		}
	}
}

func (s *source) readAll(ctx context.Context) error {
	pattern := s.cfg.Path
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(s.set.Dir, pattern)
	}
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return component.Permanentf("path %q: %w", s.cfg.Path, err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := s.readFile(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// cursor is where reading a file resumes.
type cursor struct {
	offset int64
	line   int
}

func (s *source) loadCursor(ctx context.Context, name string) (cursor, error) {
	v, err := s.set.State.Get(ctx, "offset/"+name)
	if errors.Is(err, component.ErrNotFound) {
		return cursor{}, nil
	}
	if err != nil {
		return cursor{}, err
	}
	var c cursor
	_, err = fmt.Sscanf(string(v), "%d %d", &c.offset, &c.line)
	return c, err
}

func (s *source) saveCursor(ctx context.Context, name string, c cursor) error {
	return s.set.State.Put(ctx, "offset/"+name, []byte(fmt.Sprintf("%d %d", c.offset, c.line)))
}

func (s *source) readFile(ctx context.Context, path string) error {
	name := filepath.Base(path)
	cur, err := s.loadCursor(ctx, name)
	if err != nil {
		return fmt.Errorf("reading the cursor of %s: %w", name, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b := &batcher{s: s, name: name}
	if s.cfg.Format == "csv" {
		err = s.readCSV(ctx, f, cur, b)
	} else {
		err = s.readJSONL(ctx, f, cur, b)
	}
	if err != nil {
		return err
	}
	return b.flush(ctx)
}

func (s *source) readJSONL(ctx context.Context, f *os.File, cur cursor, b *batcher) error {
	if _, err := f.Seek(cur.offset, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	for ctx.Err() == nil {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] != '\n' && errors.Is(err, io.EOF) {
			return nil // a partial last line: wait until it is complete
		}
		if len(line) > 0 {
			cur.offset += int64(len(line))
			cur.line++
			if trimmed := trimLine(line); len(trimmed) > 0 {
				body, decErr := s.jsonBody(trimmed)
				if decErr != nil {
					body = string(trimmed)
				}
				if err := b.add(ctx, body, decErr, cur); err != nil {
					return err
				}
			} else {
				b.cur = cur
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// jsonBody checks one line. Without an id expression the line is passed on
// as it is (json.RawMessage): it only needs to be valid, not decoded here.
func (s *source) jsonBody(line []byte) (any, error) {
	if s.cfg.ID.IsZero() {
		if !json.Valid(line) {
			_, err := component.DecodeJSON(line) // for the position of the mistake
			return nil, err
		}
		return json.RawMessage(append([]byte(nil), line...)), nil
	}
	return component.DecodeJSON(line)
}

// trimLine drops a line's end and trailing spaces.
func trimLine(line []byte) []byte { return bytes.TrimRight(line, "\r\n ") }

func (s *source) readCSV(ctx context.Context, f *os.File, cur cursor, b *batcher) error {
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	if s.cfg.Delimiter != "" {
		r.Comma = []rune(s.cfg.Delimiter)[0]
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: header: %w", b.name, err)
	}
	if cur.offset == 0 {
		cur = cursor{offset: r.InputOffset(), line: 1}
	}
	// Skip what was already published (the reader cannot seek); a malformed
	// row among it was dead-lettered then.
	for r.InputOffset() < cur.offset {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !isParseError(err) {
			return fmt.Errorf("%s: %w", b.name, err)
		}
	}
	for ctx.Err() == nil {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var body any
		var decErr error
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			// A malformed row has no fields to locate: the error has its line.
			cur, decErr = cursor{offset: r.InputOffset(), line: pe.StartLine}, err
		case err != nil:
			return fmt.Errorf("%s: %w", b.name, err)
		default:
			line, _ := r.FieldPos(0)
			cur = cursor{offset: r.InputOffset(), line: line}
			body, decErr = csvRow(header, rec)
		}
		if decErr != nil {
			body = strconv.Quote(fmt.Sprint(rec))
		}
		if err := b.add(ctx, body, decErr, cur); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// csvRow makes a record an object keyed by the header's names.
func csvRow(header, rec []string) (any, error) {
	if len(rec) != len(header) {
		return nil, fmt.Errorf("%d fields, the header has %d", len(rec), len(header))
	}
	row := make(map[string]any, len(header))
	for i, h := range header {
		row[h] = rec[i]
	}
	return row, nil
}

func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}
