package cli

import (
	"flag"

	"github.com/pipewright/pipewright/engine/pipelinetest"
)

func init() {
	register(&command{
		name:    "test",
		summary: "run the pipeline tests of directories",
		usage:   "DIR...",
		help: `
Test validates each directory, then runs the test files under its tests/
folder: every case feeds its input through the named pipeline's steps, with
lookup results mocked by step name, and checks the body that would reach the
sink (JSON equality with numbers compared by value, a subset, or a golden
file), the route taken, a filter drop, or a permanent error. No external
system is used.

One line is printed per failing case (per case with -v), with a readable
difference, then "N passed, M failed". The exit status is 1 when a directory
is invalid or any case fails.

Examples:
  pipewright test pipelines/sage500-amazon
  pipewright test -v -update pipelines/example`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			verbose := fs.Bool("v", false, "print passing cases too")
			update := fs.Bool("update", false, "rewrite output_file golden files with the actual outputs")
			return func(args []string) error {
				if len(args) == 0 {
					return usagef("no directory given")
				}
				failed := false
				for _, dir := range args {
					p, err := loadProject(dir)
					if err != nil {
						printLoadError(e, err)
						failed = true
						continue
					}
					sum := pipelinetest.Run(p, e.stdout, pipelinetest.Options{Update: *update, Verbose: *verbose})
					failed = failed || sum.Failed > 0
				}
				if failed {
					return errReported
				}
				return nil
			}
		},
	})
}
