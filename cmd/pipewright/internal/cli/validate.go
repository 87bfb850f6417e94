package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/pipewright/pipewright/engine/config"
)

func init() {
	register(&command{
		name:    "validate",
		summary: "check pipeline directories and report every problem",
		usage:   "DIR...",
		help: `
Validate loads each pipeline directory the way 'pipewright run' would, without
connecting to anything: the project file, every pipeline file, mapping file,
lookup table and test file. It checks them against pipewright's JSON Schemas
and each component's own options schema, resolves references (connections,
tables, mapping files, schemas, component types, sinks), and compiles and
type-checks every CEL expression.

Every problem is printed, sorted, as path/file.yaml:LINE:COL: message, with
paths relative to the working directory. The exit status is 0 when every
directory is valid, 1 when any has a problem and 2 for a usage error.
Environment variables referenced as ${env:NAME} must be set or have a default.

Examples:
  pipewright validate pipelines/sage500-amazon
  pipewright validate pipelines/*/`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			return func(args []string) error {
				if len(args) == 0 {
					return usagef("no directory given")
				}
				failed := false
				for _, dir := range args {
					if _, err := loadProject(dir); err != nil {
						failed = true
						printLoadError(e, err)
					}
				}
				if failed {
					return errReported
				}
				return nil
			}
		},
	})
}

// loadProject loads a directory with the binary's registry.
func loadProject(dir string) (*config.Project, error) {
	return config.Load(dir, config.Options{Registry: newRegistry()})
}

// printLoadError prints problems one per line.
func printLoadError(e *env, err error) {
	var ps config.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(e.stderr, p.String())
		}
		return
	}
	fmt.Fprintln(e.stderr, err)
}
