package cli_test

import (
	"io"
	"testing"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// binaryFactories are the factories of every component the binary ships.
func binaryFactories(t *testing.T) []component.Factory {
	reg := cli.NewRegistry(io.Discard)
	var fs []component.Factory
	for _, kind := range []component.Kind{component.KindConnection, component.KindSource, component.KindSink} {
		for _, typ := range reg.Types(kind) {
			f, ok := reg.Lookup(kind, typ)
			if !ok {
				t.Fatalf("%s %s listed but not found", kind, typ)
			}
			fs = append(fs, f)
		}
	}
	return fs
}

// TestComponentSchemas_are_generated_from_the_config_structs is the drift
// check: every component's checked-in schema is what the generator makes of
// its config struct today, and that struct and the schema have the same keys
// at every level, each described.
func TestComponentSchemas_are_generated_from_the_config_structs(t *testing.T) {
	for _, f := range binaryFactories(t) {
		t.Run(f.Kind().String()+"/"+string(f.Type()), func(t *testing.T) {
			componenttest.SchemaIsGenerated(t, f)
			componenttest.SchemaMatchesConfig(t, f)
		})
	}
}

// TestComponentConfigs_Validate_only_checks: no component's Validate sets
// a default or otherwise changes its config.
func TestComponentConfigs_Validate_only_checks(t *testing.T) {
	for _, f := range binaryFactories(t) {
		t.Run(f.Kind().String()+"/"+string(f.Type()), func(t *testing.T) {
			componenttest.ValidateHasNoSideEffects(t, f)
		})
	}
}
