package componenttest

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// LinesSinkConfig configures the test.lines sink.
//
// TEST: appends each message body as one JSON line.
type LinesSinkConfig struct {
	// File to append to, relative to the data directory.
	Path string `yaml:"path" schema:"required,minLength=1"`
	// CEL expression giving a message's key; each key is written once while
	// the sink runs.
	Key component.Expr `yaml:"key"`
}

type linesSinkFactory struct{}

// NewLinesSinkFactory returns the factory of the test.lines sink, a
// stand-in for a sink in engine tests: it appends each message body as
// one JSON line to path under the data directory before Write returns.
func NewLinesSinkFactory() component.SinkFactory { return linesSinkFactory{} }

func (linesSinkFactory) Type() component.Type { return "test.lines" }
func (linesSinkFactory) Kind() component.Kind { return component.KindSink }
func (linesSinkFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSink, "test.lines")
}
func (linesSinkFactory) NewConfig() any                 { return &LinesSinkConfig{} }
func (linesSinkFactory) ConnectionType() component.Type { return "" }

func (linesSinkFactory) CreateSink(_ context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	c := cfg.(*LinesSinkConfig)
	return &linesSink{path: filepath.Join(set.DataDir, c.Path), key: c.Key, keys: map[string]bool{}}, nil
}

type linesSink struct {
	component.StartFunc
	component.ShutdownFunc
	path string
	key  component.Expr
	mu   sync.Mutex
	keys map[string]bool // written in this run, with key
}

func (s *linesSink) Write(ctx context.Context, batch []*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []byte
	for _, m := range batch {
		if !s.key.IsZero() {
			k, err := s.key.EvalString(ctx, m)
			if err != nil {
				return component.Permanent(err)
			}
			if s.keys[k] {
				continue
			}
			s.keys[k] = true
		}
		var err error
		if out, err = component.AppendJSON(out, m.Body); err != nil {
			return component.Permanent(err)
		}
		out = append(out, '\n')
	}
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return component.Retryable(err)
	}
	_, err = f.Write(out)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return component.Retryable(err)
}
