package file

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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
	var failed []error
	for _, p := range paths {
		err := s.readFile(ctx, p)
		switch {
		case err == nil:
		case component.IsPermanent(err) && ctx.Err() == nil:
			failed = append(failed, err) // a file that cannot be read holds up no other
		default:
			return err
		}
	}
	return errors.Join(failed...)
}

// cursor is where reading a file resumes: the byte offset of the next
// record and the number of lines before it.
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

// metaRoom is the room a message's metadata and engine headers take in
// the transport's payload, besides three copies of its id.
const metaRoom = 4 << 10

// readLimit is the longest record the source holds in memory: the
// configured maximum, or less when the transport's payload is smaller.
func (s *source) readLimit() int {
	limit := s.cfg.MaxRecordBytes
	if p := s.set.MaxPayload; p > 0 {
		limit = int(min(int64(limit), max(p-metaRoom, 0)))
	}
	return limit
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

// eachRecord hands the records of rr to handle, up to the end of the input.
func (s *source) eachRecord(ctx context.Context, rr *recordReader, handle func(record) error) error {
	for ctx.Err() == nil {
		rec, err := s.next(rr)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := handle(rec); err != nil {
			return err
		}
	}
	return ctx.Err()
}
