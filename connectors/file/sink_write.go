package file

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pipewright/pipewright/engine/component"
)

// sinkFile is the file a file sink appends to; tests substitute one that
// fails like a full disk.
type sinkFile interface {
	io.Writer
	Stat() (os.FileInfo, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// openFunc opens a file sink's file for appending, creating it.
type openFunc func(path string) (sinkFile, error)

func openAppend(path string) (sinkFile, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
}

// errTorn marks a failed write that may have left part of a batch behind.
var errTorn = errors.New("the file may end in a partial record")

// appendAll writes data at the end of f, whose size is size, with one
// write, then syncs f when sync is set. When either fails it truncates f
// back to size, so no part of data remains; when that fails too, the
// error wraps errTorn.
func appendAll(f sinkFile, data []byte, size int64, sync bool) error {
	_, err := f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if err == nil {
		return nil
	}
	if terr := f.Truncate(size); terr != nil {
		return fmt.Errorf("%w; removing the partial batch failed too (%w): %v", err, errTorn, terr)
	}
	return err
}

// appendLines appends each body to buf as one JSON line; encoding failures
// are reported per message in a *component.BatchError.
func appendLines(buf []byte, batch []*component.Message) ([]byte, error) {
	var failed map[int]error
	for i, m := range batch {
		line, err := component.AppendJSON(buf, m.Body)
		if err != nil {
			if failed == nil {
				failed = map[int]error{}
			}
			failed[i] = component.Permanentf("encoding the body: %v", err)
			continue
		}
		buf = append(line, '\n')
	}
	if failed != nil {
		return buf, &component.BatchError{Errors: failed}
	}
	return buf, nil
}

// restOfLine returns the part of the line that a write of data cut after
// n bytes did not write, or nil when it stopped between lines.
func restOfLine(data []byte, n int) []byte {
	if n == 0 || n >= len(data) || data[n-1] == '\n' {
		return nil
	}
	end := bytes.IndexByte(data[n:], '\n')
	return data[n : n+end+1]
}
