package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// SinkConfig configures the file sink.
type SinkConfig struct {
	// Path is the file to append JSON lines to; relative paths are under the
	// engine's data directory.
	Path string `yaml:"path"`
	// Sync makes every batch reach the disk (fsync) before it is
	// acknowledged, surviving a machine crash, not only a process crash.
	Sync bool `yaml:"sync"`
	// Key, when set, makes the sink idempotent: an expression over the
	// message giving its key; a message whose key is already in the file is
	// skipped and acknowledged as done. The keys are read back from the file
	// at start, so redeliveries after a crash are not written twice.
	Key component.Expr `yaml:"key"`
}

const sinkSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Appends each message body as one JSON line. Every batch is flushed before it is acknowledged.",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {"type": "string", "minLength": 1, "description": "File to append to; a relative path is under the engine's data directory."},
    "sync": {"type": "boolean", "description": "fsync every batch before acknowledging it (survives a machine crash; slower)."},
    "key": {"type": "string", "description": "CEL expression giving a message's key: the sink then writes each key once (idempotent), skipping keys already in the file. Evaluated on the body as it is written, so it can only use msg."}
  }
}`

type sinkFactory struct{}

var _ component.SinkFactory = sinkFactory{}

// NewSinkFactory returns the factory of the file sink.
func NewSinkFactory() component.SinkFactory { return sinkFactory{} }

func (sinkFactory) Type() component.Type           { return "file" }
func (sinkFactory) Kind() component.Kind           { return component.KindSink }
func (sinkFactory) Schema() []byte                 { return []byte(sinkSchema) }
func (sinkFactory) NewConfig() any                 { return &SinkConfig{} }
func (sinkFactory) ConnectionType() component.Type { return "" }

func (sinkFactory) CreateSink(_ context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	c := cfg.(*SinkConfig)
	path := c.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(set.DataDir, path)
	}
	fs := &fileSink{path: path, sync: c.Sync}
	if !c.Key.IsZero() {
		fs.key, fs.keys = &c.Key, map[string]bool{}
	}
	return fs, nil
}

// fileSink appends JSON lines to a file.
type fileSink struct {
	path string
	sync bool
	key  *component.Expr
	keys map[string]bool // written keys, when key is set
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
}

func (s *fileSink) Start(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	if err := s.recover(ctx); err != nil {
		return err
	}
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
	return nil
}

// recover drops a torn last line (a crash in the middle of a write) and,
// for an idempotent sink, reads back the keys already written.
func (s *fileSink) recover(ctx context.Context) error {
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			good += int64(len(line))
			if err := s.remember(ctx, line); err != nil {
				return fmt.Errorf("%s at byte %d: %w", s.path, good, err)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	return f.Truncate(good)
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
	s.keys[k] = true
	return nil
}

func (s *fileSink) Shutdown(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	return err
}

// Write appends the batch and flushes it (and syncs it when configured).
// A body that cannot be encoded fails alone, permanently.
func (s *fileSink) Write(ctx context.Context, batch []*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == nil {
		return s.writeBatch(batch)
	}
	batch, m := s.dedupe(ctx, batch)
	written := s.writeBatch(batch)
	m.forgetFailed(s.keys, written)
	return m.merge(written)
}

func (s *fileSink) writeBatch(batch []*component.Message) error {
	perMsg := writeLines(s.w, batch)
	if err := s.w.Flush(); err != nil {
		return component.Retryable(fmt.Errorf("writing %s: %w", s.path, err))
	}
	if s.sync {
		if err := s.f.Sync(); err != nil {
			return component.Retryable(fmt.Errorf("syncing %s: %w", s.path, err))
		}
	}
	return perMsg
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
			s.keys[k] = true
			m.index = append(m.index, i)
			m.keys = append(m.keys, k)
			keep = append(keep, msg)
		}
	}
	return keep, m
}

// writeLines encodes each body as one line; encoding failures are reported
// per message in a *component.BatchError.
func writeLines(w io.Writer, batch []*component.Message) error {
	var failed map[int]error
	buf := make([]byte, 0, 2048)
	for i, m := range batch {
		var err error
		buf, err = component.AppendJSON(buf[:0], m.Body)
		if err != nil {
			if failed == nil {
				failed = map[int]error{}
			}
			failed[i] = component.Permanentf("encoding the body: %v", err)
			continue
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return component.Retryable(err)
		}
	}
	if failed != nil {
		return &component.BatchError{Errors: failed}
	}
	return nil
}
