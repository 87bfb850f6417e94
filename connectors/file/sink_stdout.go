package file

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// StdoutConfig configures the stdout sink: it has no options.
//
// Prints each message body as one JSON line on standard output.
type StdoutConfig struct{}

type stdoutFactory struct{ out io.Writer }

var _ component.SinkFactory = stdoutFactory{}

// NewStdoutFactory returns the factory of the stdout sink.
func NewStdoutFactory() component.SinkFactory { return stdoutFactory{out: os.Stdout} }

func (stdoutFactory) Type() component.Type { return "stdout" }
func (stdoutFactory) Kind() component.Kind { return component.KindSink }
func (stdoutFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSink, "stdout")
}
func (stdoutFactory) NewConfig() any                 { return &StdoutConfig{} }
func (stdoutFactory) ConnectionType() component.Type { return "" }

func (f stdoutFactory) CreateSink(context.Context, component.SinkSettings, any) (component.Sink, error) {
	return &stdoutSink{w: f.out}, nil
}

// stdoutSink writes each batch with one write. What cannot be taken back
// from a pipe is completed instead: after a write cut in the middle of a
// line, the next Write first finishes that line, so no record is torn (the
// batch is then written again: at least once).
type stdoutSink struct {
	component.StartFunc
	component.ShutdownFunc
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	rest []byte // the unwritten end of a line a failed write cut
}

func (s *stdoutSink) Write(_ context.Context, batch []*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rest) > 0 {
		n, err := s.w.Write(s.rest)
		s.rest = s.rest[n:]
		if err != nil {
			return component.Retryable(fmt.Errorf("writing to standard output: %w", err))
		}
	}
	data, perMsg := appendLines(s.buf[:0], batch)
	s.buf = data[:0]
	if n, err := s.w.Write(data); err != nil {
		s.rest = bytes.Clone(restOfLine(data, n))
		return component.Retryable(fmt.Errorf("writing to standard output: %w", err))
	}
	return perMsg
}
