package file

import (
	"bufio"
	"context"
	"io"
	"os"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

const stdoutSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Prints each message body as one JSON line on standard output.",
  "type": "object",
  "additionalProperties": false,
  "properties": {}
}`

type stdoutFactory struct{ out io.Writer }

var _ component.SinkFactory = stdoutFactory{}

// NewStdoutFactory returns the factory of the stdout sink.
func NewStdoutFactory() component.SinkFactory { return stdoutFactory{out: os.Stdout} }

func (stdoutFactory) Type() component.Type           { return "stdout" }
func (stdoutFactory) Kind() component.Kind           { return component.KindSink }
func (stdoutFactory) Schema() []byte                 { return []byte(stdoutSchema) }
func (stdoutFactory) NewConfig() any                 { return &struct{}{} }
func (stdoutFactory) ConnectionType() component.Type { return "" }

func (f stdoutFactory) CreateSink(context.Context, component.SinkSettings, any) (component.Sink, error) {
	return &stdoutSink{w: bufio.NewWriter(f.out)}, nil
}

type stdoutSink struct {
	component.StartFunc
	component.ShutdownFunc
	mu sync.Mutex
	w  *bufio.Writer
}

func (s *stdoutSink) Write(_ context.Context, batch []*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := writeLines(s.w, batch)
	if ferr := s.w.Flush(); ferr != nil {
		return component.Retryable(ferr)
	}
	return err
}
