package componenttest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// LinesSourceConfig configures the test.lines source.
type LinesSourceConfig struct {
	// Path is a glob of files, relative to the pipeline directory.
	Path string `yaml:"path"`
	// BatchSize is how many lines are published together (default 100).
	BatchSize int `yaml:"batch_size"`
	// Watch keeps looking for new lines every interval; zero stops at the
	// end of the files.
	Watch component.Duration `yaml:"watch"`
}

const linesSourceSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "TEST: publishes every JSON line of the files matching path, resuming after restarts.",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {"type": "string", "minLength": 1, "description": "Glob of files relative to the pipeline directory."},
    "batch_size": {"type": "integer", "minimum": 1, "description": "Lines published together (default 100)."},
    "watch": {"type": "string", "pattern": "` + component.DurationPattern + `", "description": "Look for new lines every interval (default: stop at the end)."}
  }
}`

type linesSourceFactory struct{}

// NewLinesSourceFactory returns the factory of the test.lines source, a
// stand-in for a polling source in engine tests: it publishes each JSON
// line of the files matching path (in name order) as one message with the
// id "<file name>:<line number>" and metadata "file" and "line", a batch
// at a time, and moves its durable cursor (the lines done per file) only
// after the batch is published, so a restarted engine goes on where it
// stopped. A line that is not JSON is dead-lettered.
func NewLinesSourceFactory() component.SourceFactory { return linesSourceFactory{} }

func (linesSourceFactory) Type() component.Type           { return "test.lines" }
func (linesSourceFactory) Kind() component.Kind           { return component.KindSource }
func (linesSourceFactory) Schema() []byte                 { return []byte(linesSourceSchema) }
func (linesSourceFactory) NewConfig() any                 { return &LinesSourceConfig{BatchSize: 100} }
func (linesSourceFactory) ConnectionType() component.Type { return "" }

func (linesSourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	return &linesSource{cfg: cfg.(*LinesSourceConfig), set: set}, nil
}

type linesSource struct {
	cfg    *LinesSourceConfig
	set    component.SourceSettings
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (s *linesSource) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			err := s.readAll(ctx)
			wait := s.cfg.Watch.D()
			if err == nil && wait == 0 || ctx.Err() != nil {
				return
			}
			if err != nil {
				s.set.Logger.Warn("test.lines source will read again", "error", err)
				wait = max(wait, 50*time.Millisecond)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}()
	return nil
}

func (s *linesSource) Shutdown(context.Context) error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return nil
}

// readAll publishes what is new in every file.
func (s *linesSource) readAll(ctx context.Context) error {
	paths, err := filepath.Glob(filepath.Join(s.set.Dir, s.cfg.Path))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := s.readFile(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// readFile publishes the lines of path after its cursor, complete lines
// only, batch after batch.
func (s *linesSource) readFile(ctx context.Context, path string) error {
	name := filepath.Base(path)
	done, err := s.cursor(ctx, name)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	data = data[:bytes.LastIndexByte(data, '\n')+1] // a line being written is read once complete
	last := bytes.Count(data, []byte{'\n'})
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	var batch []*component.Message
	for line := 1; sc.Scan(); line++ {
		if line <= done {
			continue
		}
		msg := component.NewMessage(name+":"+strconv.Itoa(line), nil)
		msg.SetMeta("file", name)
		msg.SetMeta("line", strconv.Itoa(line))
		if msg.Body, err = component.DecodeJSON(sc.Bytes()); err != nil {
			if err := s.set.DeadLetter.DeadLetter(ctx, msg, component.Permanent(err)); err != nil {
				return err
			}
		} else {
			batch = append(batch, msg)
		}
		if len(batch) >= s.cfg.BatchSize || line == last {
			if err := s.publish(ctx, name, batch, line); err != nil {
				return err
			}
			batch = nil
		}
	}
	return nil
}

// publish publishes a batch, then moves name's cursor past line.
func (s *linesSource) publish(ctx context.Context, name string, batch []*component.Message, line int) error {
	if len(batch) > 0 {
		if err := s.set.Publisher.Publish(ctx, batch...); err != nil {
			return err
		}
	}
	return s.set.State.Put(ctx, "lines/"+name, []byte(strconv.Itoa(line)))
}

// cursor returns how many lines of the file name are done.
func (s *linesSource) cursor(ctx context.Context, name string) (int, error) {
	v, err := s.set.State.Get(ctx, "lines/"+name)
	if errors.Is(err, component.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("cursor of %s: %w", name, err)
	}
	return n, nil
}
