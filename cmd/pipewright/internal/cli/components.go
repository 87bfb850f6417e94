package cli

import (
	"io"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/connectors/httpconn"
	"github.com/pipewright/pipewright/connectors/httppoll"
	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/connectors/schedule"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/registry"
)

// factories is the explicit list of components the binary ships: the
// production connectors, then the demo's components. The stdout sink
// prints to stdout.
func factories(stdout io.Writer) []component.Factory {
	var fs []component.Factory
	fs = append(fs, file.FactoriesWriting(stdout)...)
	fs = append(fs, httpconn.Factories()...)
	fs = append(fs, httppoll.Factories()...)
	fs = append(fs, schedule.Factories()...)
	fs = append(fs, spapi.Factories()...)
	fs = append(fs, sage500.Factories()...)
	return append(fs, demoFactories()...)
}

// demoFactories are the components `make run` and directories made with
// `pipewright init -demo` use in place of Amazon and the client's
// warehouse staff: the SP-API simulator (an spapi.simulator connection,
// which the amazon connection reaches through its endpoints like Amazon)
// and the demo warehouse (demo.warehouse, which refuses any connection
// but the SQLite demo database). They live in packages no production
// package imports; a directory made without -demo declares neither.
func demoFactories() []component.Factory {
	var fs []component.Factory
	fs = append(fs, simulator.Factories()...)
	return append(fs, sage500demo.Factories()...)
}

// newRegistry builds the binary's registry, its stdout sink printing to
// stdout.
func newRegistry(stdout io.Writer) *registry.Registry {
	r, err := registry.New(factories(stdout)...)
	if err != nil {
		panic(err) // the list above is fixed: a duplicate is a bug caught by tests
	}
	return r
}
