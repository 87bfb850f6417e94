// Package file is the generic file connector: the file source reads JSON
// lines or CSV files (backfills, replays of exports, tests), the file sink
// appends JSON lines, and the stdout sink prints them.
package file

import (
	"io"
	"os"

	"github.com/pipewright/pipewright/engine/component"
)

// Factories returns the connector's factories for the engine's registry; the
// stdout sink prints to os.Stdout.
func Factories() []component.Factory { return FactoriesWriting(os.Stdout) }

// FactoriesWriting is Factories with the stdout sink printing to stdout
// instead (a command's output stream, or a test's).
func FactoriesWriting(stdout io.Writer) []component.Factory {
	return []component.Factory{NewSourceFactory(), NewSinkFactory(), stdoutFactory{out: stdout}}
}
