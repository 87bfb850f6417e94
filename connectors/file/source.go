package file

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/pipewright/pipewright/engine/component"
)

// sourceFactory creates file sources.
type sourceFactory struct{}

var _ component.SourceFactory = sourceFactory{}

// NewSourceFactory returns the factory of the file source.
func NewSourceFactory() component.SourceFactory { return sourceFactory{} }

func (sourceFactory) Type() component.Type { return "file" }
func (sourceFactory) Kind() component.Kind { return component.KindSource }
func (sourceFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "file")
}
func (sourceFactory) NewConfig() any                 { return NewSourceConfig() }
func (sourceFactory) ConnectionType() component.Type { return "" }

func (sourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	return &source{cfg: cfg.(*SourceConfig), set: set}, nil
}

// source reads files and publishes their records, polled by the engine: a
// round reads every file the path matches, in name order, one batch per
// poll. Its durable state is the byte offset reached in each file
// ("offset/<file>"), stored by a batch's Ack once its records were
// published: per file rather than one engine cursor, because a glob may
// match any number of files over time and a cursor value must stay small.
type source struct {
	component.StartFunc
	cfg *SourceConfig
	set component.SourceSettings
	// The round under way: the files left to read (the first one open in
	// cur) and the permanent failures so far.
	inRound bool
	paths   []string
	failed  []error
	cur     *openFile
}

var _ component.Poller = (*source)(nil)

// Polls is one loop, every watch interval (once without watch).
func (s *source) Polls() []component.Poll {
	return []component.Poll{{Every: s.cfg.Watch.D(), Read: s.poll}}
}

// Shutdown closes the file being read.
func (s *source) Shutdown(context.Context) error {
	s.closeFile()
	return nil
}

// poll reads the next batch of the round. The round's last poll reports
// the files that failed (a file that cannot be read holds up no other)
// or, without watch, ends the loop.
func (s *source) poll(ctx context.Context, _ []byte) (component.Batch, error) {
	if !s.inRound {
		paths, err := s.glob()
		if err != nil {
			return component.Batch{}, err
		}
		s.inRound, s.paths, s.failed = true, paths, nil
	}
	for len(s.paths) > 0 {
		b, done, err := s.readBatch(ctx, s.paths[0])
		switch {
		case err == nil && !done:
			b.More = true
			return b, nil
		case err == nil:
			s.nextFile()
			if b.Ack != nil {
				b.More = true
				return b, nil
			}
		case component.IsPermanent(err) && ctx.Err() == nil:
			s.nextFile()
			s.failed = append(s.failed, err)
		default:
			s.closeFile() // read again from the stored offset
			return component.Batch{}, err
		}
	}
	s.inRound = false
	if err := errors.Join(s.failed...); err != nil {
		return component.Batch{}, component.Permanent(err)
	}
	if s.cfg.Watch.D() == 0 {
		s.set.Logger.Info("file source reached the end of its input")
		return component.Batch{Done: true}, nil
	}
	return component.Batch{}, nil
}

// glob lists the files of the path, in name order.
func (s *source) glob() ([]string, error) {
	pattern := s.cfg.Path
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(s.set.Dir, pattern)
	}
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, component.Permanentf("path %q: %w", s.cfg.Path, err)
	}
	sort.Strings(paths)
	return paths, nil
}

// nextFile closes the file read and moves to the next one.
func (s *source) nextFile() {
	s.closeFile()
	s.paths = s.paths[1:]
}

func (s *source) closeFile() {
	if s.cur != nil {
		s.cur.f.Close()
		s.cur = nil
	}
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
