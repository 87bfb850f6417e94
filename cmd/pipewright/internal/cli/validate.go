package cli

import (
	"flag"
	"fmt"
	"io"

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
tables and their columns, lookup queries and the columns they return,
mapping files, schemas, component types, sinks), and compiles and
type-checks every CEL expression.

Environment values are checked against every place they are used: each
${env:NAME:-default} default, and the value NAME has when validate runs or
in the -env file (NAME=value lines, as a production env file holds them).
Variables referenced without a default must be set, in the environment or
in the -env file.

Every problem is printed, sorted, as path/file.yaml:LINE:COL: message, with
paths relative to the working directory. -format json prints them as one
JSON document, -format github as workflow annotations (::error file=...) and
-format junit as JUnit XML with one test case per directory, all on
standard output. The exit status is 0 when every directory is valid, 1 when
any has a problem and 2 for a usage error.

Examples:
  pipewright validate pipelines/sage500-amazon
  pipewright validate pipelines/*/
  pipewright validate -env deploy/production.env -format github .`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			format := formatFlag(fs)
			envFile := fs.String("env", "", "read environment values from `FILE` (NAME=value lines); they take precedence over the environment")
			return func(args []string) error {
				f, err := parseFormat(*format)
				if err != nil {
					return err
				}
				if len(args) == 0 {
					return usagef("no directory given")
				}
				lookup, err := envLookup(*envFile)
				if err != nil {
					return err
				}
				var results []dirProblems
				for _, dir := range args {
					_, err := config.Load(dir, config.Options{Registry: newRegistry(e.stdout), LookupEnv: lookup, CheckEnvDefaults: true})
					results = append(results, newDirProblems(dir, err))
				}
				if err := writeValidation(e, f, results); err != nil {
					return err
				}
				for _, r := range results {
					if !r.valid() {
						return errReported
					}
				}
				return nil
			}
		},
	})
}

// writeValidation prints the outcome of validate in the chosen format:
// text goes to standard error (problems only), the others to standard output.
func writeValidation(e *env, f outputFormat, results []dirProblems) error {
	switch f {
	case formatJSON:
		type dirJSON struct {
			Dir      string        `json:"dir"`
			Valid    bool          `json:"valid"`
			Problems []problemJSON `json:"problems"`
		}
		doc := struct {
			Valid       bool      `json:"valid"`
			Directories []dirJSON `json:"directories"`
		}{Valid: true}
		for _, r := range results {
			doc.Valid = doc.Valid && r.valid()
			doc.Directories = append(doc.Directories, dirJSON{Dir: r.Dir, Valid: r.valid(), Problems: r.json()})
		}
		return writeJSON(e.stdout, doc)
	case formatGitHub:
		for _, r := range results {
			r.writeAnnotations(e.stdout)
		}
	case formatJUnit:
		suite := junitSuite{Name: "pipewright validate"}
		for _, r := range results {
			suite.add(validationCase(r))
		}
		return (&junitSuites{Name: "pipewright validate", Suites: []junitSuite{suite}}).write(e.stdout)
	default:
		for _, r := range results {
			writeProblemLines(e.stderr, r)
		}
	}
	return nil
}

func writeProblemLines(w io.Writer, d dirProblems) {
	for _, m := range d.messages() {
		fmt.Fprintln(w, m)
	}
}

// loadProject loads a directory with the binary's registry (its stdout sink
// printing to the command's standard output).
func (e *env) loadProject(dir string) (*config.Project, error) {
	return config.Load(dir, config.Options{Registry: newRegistry(e.stdout)})
}

// printLoadError prints problems one per line.
func printLoadError(e *env, err error) {
	writeProblemLines(e.stderr, newDirProblems("", err))
}
