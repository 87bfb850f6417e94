package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// SinkConfig configures the file sink.
//
// Appends each message body as one JSON line. Every batch is written before
// it is acknowledged; a failed write (a full disk) is taken back and
// retried, so the file never holds a partial record, and writing resumes by
// itself once the cause is gone.
type SinkConfig struct {
	// File to append to; a relative path is under the engine's data
	// directory.
	Path string `yaml:"path" schema:"required,minLength=1"`
	// fsync every batch before acknowledging it (survives a machine crash;
	// slower).
	Sync bool `yaml:"sync"`
	// CEL expression giving a message's key: the sink then writes each key
	// once (idempotent), skipping keys already in the file. Evaluated on the
	// body as it is written, so it can only use msg. Without a key, the sink
	// writes each message id once (a redelivery after a lost
	// acknowledgement is dropped) within transport.sink_dedup_window.
	Key component.Expr `yaml:"key"`
}

type sinkFactory struct{ open openFunc }

var _ component.SinkFactory = sinkFactory{}

// NewSinkFactory returns the factory of the file sink.
func NewSinkFactory() component.SinkFactory { return sinkFactory{open: openAppend} }

func (sinkFactory) Type() component.Type { return "file" }
func (sinkFactory) Kind() component.Kind { return component.KindSink }
func (sinkFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSink, "file")
}
func (sinkFactory) NewConfig() any                 { return &SinkConfig{} }
func (sinkFactory) ConnectionType() component.Type { return "" }

func (f sinkFactory) CreateSink(_ context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	c := cfg.(*SinkConfig)
	path := c.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(set.DataDir, path)
	}
	fs := &fileSink{path: path, sync: c.Sync, open: f.open, log: set.Logger}
	if c.Key.IsZero() {
		fs.repeats = component.NewRepeats(set)
	} else {
		fs.key, fs.keys = &c.Key, map[string]bool{}
	}
	return fs, nil
}

// fileSink appends JSON lines to a file. It writes each batch with one
// write and removes it again when the write fails, so the file holds only
// complete records, and it opens the file again when it had to let it go:
// once the cause (a full disk, a directory that is not writable) is gone,
// writing resumes by itself.
type fileSink struct {
	path    string
	sync    bool
	key     *component.Expr
	keys    map[string]bool    // written keys, when key is set
	repeats *component.Repeats // without a key: drops message ids written before
	open    openFunc
	log     *slog.Logger
	mu      sync.Mutex
	f       sinkFile // nil until opened, and after a failure it could not undo
	buf     []byte
	failing int // writes failed in a row
	// noteFile is the open note of the last batch (sink_note.go), and
	// noteBuf the buffer its content is encoded in.
	noteFile *os.File
	noteBuf  []byte
}

// Start opens the file. A file that cannot be opened yet (a directory
// that is not writable) is logged and opened again by the next Write; a
// file whose records cannot be read back is an error.
func (s *fileSink) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.openFile(ctx)
	if err != nil && !component.IsPermanent(err) {
		s.log.Error("file sink cannot open its file; every write tries again", "path", s.path, "error", err)
		return nil
	}
	return err
}

// openFile drops a torn last line, reads back the written keys and opens
// the file for appending.
func (s *fileSink) openFile(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	if err := s.recover(ctx); err != nil {
		return err
	}
	f, err := s.open(s.path)
	if err != nil {
		return err
	}
	s.f = f
	return nil
}

// recover drops a torn last line (a crash in the middle of a write) and,
// for an idempotent sink, reads back the keys already written, or records
// the ids of the noted batch's lines that are in the file.
func (s *fileSink) recover(ctx context.Context) error {
	if err := s.closeNote(); err != nil {
		return err
	}
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	note := s.readNote()
	r := bufio.NewReaderSize(f, 1<<20)
	var good int64
	noted := 0 // complete lines of the noted batch
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			if note != nil && good >= note.Size {
				noted++
			}
			good += int64(len(line))
			if err := s.remember(ctx, line); err != nil {
				return component.Permanentf("%s at byte %d: %w", s.path, good, err)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := f.Truncate(good); err != nil {
		return err
	}
	s.recordNoted(ctx, note, noted)
	return nil
}

func (s *fileSink) remember(ctx context.Context, line []byte) error {
	if s.key == nil {
		return nil
	}
	body, err := component.DecodeJSON(trimLine(line))
	if err != nil {
		return err
	}
	k, err := s.key.EvalString(ctx, component.NewMessage("", body))
	if err != nil {
		return err
	}
	s.keys[strings.Clone(k)] = true // k shares the memory of the whole line
	return nil
}

func (s *fileSink) Shutdown(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	nerr := s.closeNote()
	if s.f == nil {
		return nerr
	}
	err := s.f.Close()
	s.f = nil
	return errors.Join(err, nerr)
}

// Write appends the batch (and syncs it when configured). A body that
// cannot be encoded fails alone, permanently; a failed write is
// retryable and leaves no part of the batch in the file.
func (s *fileSink) Write(ctx context.Context, batch []*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		if err := s.openFile(ctx); err != nil {
			return s.failed(fmt.Errorf("opening %s: %v", s.path, err))
		}
	}
	if s.key == nil {
		return s.repeats.Write(ctx, batch, func(_ context.Context, batch []*component.Message) error {
			return s.writeBatch(batch)
		})
	}
	batch, m := s.dedupe(ctx, batch)
	written := s.writeBatch(batch)
	m.forgetFailed(s.keys, written)
	return m.merge(written)
}

func (s *fileSink) writeBatch(batch []*component.Message) error {
	data, perMsg := appendLines(s.buf[:0], batch)
	s.buf = data[:0]
	if len(data) == 0 {
		return perMsg
	}
	st, err := s.f.Stat()
	if err != nil {
		return s.failed(err)
	}
	if err := s.note(batch, perMsg, st.Size()); err != nil {
		return s.failed(err)
	}
	if err := appendAll(s.f, data, st.Size(), s.sync); err != nil {
		if errors.Is(err, errTorn) {
			_ = s.f.Close() // opening it again drops the torn record
			s.f = nil
		}
		return s.failed(err)
	}
	if s.failing > 0 {
		s.log.Info("file sink writes again", "path", s.path, "failed_writes", s.failing)
		s.failing = 0
	}
	return perMsg
}

// failed logs a failed write and returns it as retryable.
func (s *fileSink) failed(err error) error {
	s.failing++
	s.log.Error("file sink cannot write; the batch is retried", "path", s.path, "error", err, "failed_writes", s.failing)
	return component.Retryable(err)
}

// dedupe drops messages whose key was written (in this batch or before),
// returning the rest and the key-evaluation failures. The new keys are
// remembered now (a key twice in one batch is written once) and forgotten
// again by forgetFailed for what the write did not complete.
func (s *fileSink) dedupe(ctx context.Context, batch []*component.Message) ([]*component.Message, *batchMap) {
	m := &batchMap{}
	var keep []*component.Message
	for i, msg := range batch {
		k, err := s.key.EvalString(ctx, msg)
		switch {
		case err != nil:
			m.failed(i, component.Permanentf("key: %v", err))
		case s.keys[k]:
		default:
			k = strings.Clone(k) // k may share the memory of the whole decoded record
			s.keys[k] = true
			m.index = append(m.index, i)
			m.keys = append(m.keys, k)
			keep = append(keep, msg)
		}
	}
	return keep, m
}
