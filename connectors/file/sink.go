package file

import (
	"bufio"
	"context"
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
}

const sinkSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Appends each message body as one JSON line. Every batch is flushed before it is acknowledged.",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {"type": "string", "minLength": 1, "description": "File to append to; a relative path is under the engine's data directory."},
    "sync": {"type": "boolean", "description": "fsync every batch before acknowledging it (survives a machine crash; slower)."}
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
	return &fileSink{path: path, sync: c.Sync}, nil
}

// fileSink appends JSON lines to a file.
type fileSink struct {
	path string
	sync bool
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
}

func (s *fileSink) Start(context.Context) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
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
func (s *fileSink) Write(_ context.Context, batch []*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
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
