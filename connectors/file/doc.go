// Package file is the generic file connector: the file source reads JSON
// lines or CSV files (backfills, replays of exports, tests), the file sink
// appends JSON lines, and the stdout sink prints them.
package file

import "github.com/pipewright/pipewright/engine/component"

// Factories returns the connector's factories for the engine's registry.
func Factories() []component.Factory {
	return []component.Factory{NewSourceFactory(), NewSinkFactory(), NewStdoutFactory()}
}
