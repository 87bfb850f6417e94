package cli

import (
	"io"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/demo"
	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/connectors/httpconn"
	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/schedule"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/registry"
)

// factories is the explicit list of components the binary ships; the
// stdout sink prints to stdout.
func factories(stdout io.Writer) []component.Factory {
	var fs []component.Factory
	fs = append(fs, file.FactoriesWriting(stdout)...)
	fs = append(fs, httpconn.Factories()...)
	fs = append(fs, schedule.Factories()...)
	fs = append(fs, spapi.Factories()...)
	fs = append(fs, sage500.Factories()...)
	fs = append(fs, demo.Factories()...)
	return fs
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
