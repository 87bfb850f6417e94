package file

import (
	"io"

	"github.com/pipewright/pipewright/engine/component"
)

// SinkFile is the file a file sink appends to.
type SinkFile = sinkFile

// OpenAppend opens a file sink's file as the sink does.
var OpenAppend = openAppend

// NewSinkFactoryOpening returns the file sink's factory opening its file
// with open, so tests can make writes fail.
func NewSinkFactoryOpening(open func(path string) (SinkFile, error)) component.SinkFactory {
	return sinkFactory{open: open}
}

// NewStdoutFactoryTo returns the stdout sink's factory writing to w.
func NewStdoutFactoryTo(w io.Writer) component.SinkFactory { return stdoutFactory{out: w} }
