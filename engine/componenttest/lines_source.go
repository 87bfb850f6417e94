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

	"github.com/pipewright/pipewright/engine/component"
)

// LinesSourceConfig configures the test.lines source.
//
// TEST: publishes every JSON line of the files matching path, resuming after
// restarts.
type LinesSourceConfig struct {
	// Glob of files relative to the pipeline directory.
	Path string `yaml:"path" schema:"required,minLength=1"`
	// Lines published together (default 100).
	BatchSize int `yaml:"batch_size" schema:"minimum=1"`
	// Look for new lines every interval (default: stop at the end).
	Watch component.Duration `yaml:"watch"`
}

type linesSourceFactory struct{}

// NewLinesSourceFactory returns the factory of the test.lines source, a
// stand-in for a polling source in engine tests: it publishes each JSON
// line of the files matching path (in name order) as one message with the
// id "<file name>:<line number>" and metadata "file" and "line", a batch
// at a time, and moves its durable cursor (the lines done per file) only
// after the batch is published, so a restarted engine goes on where it
// stopped. A line that is not JSON is dead-lettered.
func NewLinesSourceFactory() component.SourceFactory { return linesSourceFactory{} }

func (linesSourceFactory) Type() component.Type { return "test.lines" }
func (linesSourceFactory) Kind() component.Kind { return component.KindSource }
func (linesSourceFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "test.lines")
}
func (linesSourceFactory) NewConfig() any                 { return &LinesSourceConfig{BatchSize: 100} }
func (linesSourceFactory) ConnectionType() component.Type { return "" }

func (linesSourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	return &linesSource{cfg: cfg.(*LinesSourceConfig), set: set}, nil
}

// linesSource is polled by the engine's source runner, a stand-in for
// every polling connector in engine tests.
type linesSource struct {
	component.Lifecycle
	cfg *LinesSourceConfig
	set component.SourceSettings
}

var _ component.Poller = (*linesSource)(nil)

// Polls is one loop: a round every Watch interval, or one pass through the
// files when not watching.
func (s *linesSource) Polls() []component.Poll {
	return []component.Poll{{Every: s.cfg.Watch.D(), Read: s.read}}
}

// read returns the next batch of new lines of the first file (in name
// order) that has some, asking for the next poll at once; at the end of
// the files it ends the loop when not watching.
func (s *linesSource) read(ctx context.Context, _ []byte) (component.Batch, error) {
	paths, err := filepath.Glob(filepath.Join(s.set.Dir, s.cfg.Path))
	if err != nil {
		return component.Batch{}, err
	}
	sort.Strings(paths)
	for _, p := range paths {
		if b, err := s.readFile(ctx, p); err != nil || b.Ack != nil {
			return b, err
		}
	}
	return component.Batch{Done: s.cfg.Watch.D() == 0}, nil
}

// readFile reads up to BatchSize complete lines of path after its cursor
// (a line being written is read once complete), dead-letters those that
// are not JSON, and moves the file's cursor in the batch's Ack, once the
// engine published the batch. A batch without Ack read nothing.
func (s *linesSource) readFile(ctx context.Context, path string) (component.Batch, error) {
	name := filepath.Base(path)
	done, err := s.cursor(ctx, name)
	if err != nil {
		return component.Batch{}, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return component.Batch{}, err
	}
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	var b component.Batch
	line := 0
	for len(b.Messages) < s.cfg.BatchSize && sc.Scan() {
		if line++; line <= done {
			continue
		}
		msg := component.NewMessage(name+":"+strconv.Itoa(line), nil)
		msg.SetMeta("file", name)
		msg.SetMeta("line", strconv.Itoa(line))
		if msg.Body, err = component.DecodeJSON(sc.Bytes()); err != nil {
			if err := s.set.DeadLetter.DeadLetter(ctx, msg, component.Permanent(err)); err != nil {
				return component.Batch{}, err
			}
			continue
		}
		b.Messages = append(b.Messages, msg)
	}
	if line > done {
		b.More = true
		b.Ack = func(ctx context.Context) error {
			return s.set.State.Put(ctx, "lines/"+name, []byte(strconv.Itoa(line)))
		}
	}
	return b, nil
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
