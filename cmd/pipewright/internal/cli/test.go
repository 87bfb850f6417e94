package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pipewright/pipewright/engine/config"
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
difference, then "N passed, M failed". -format json prints one JSON document
with every case, -format github prints a workflow annotation (::error) at
each failing case and each validation problem, and -format junit prints
JUnit XML with one test case per pipeline test (one suite per test file).
The exit status is 1 when a directory is invalid or any case fails.

Examples:
  pipewright test pipelines/sage500-amazon
  pipewright test -v -update pipelines/example
  pipewright test -format junit . > pipewright-tests.xml`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			verbose := fs.Bool("v", false, "print passing cases too")
			update := fs.Bool("update", false, "rewrite output_file golden files with the actual outputs")
			format := formatFlag(fs)
			return func(args []string) error {
				f, err := parseFormat(*format)
				if err != nil {
					return err
				}
				if len(args) == 0 {
					return usagef("no directory given")
				}
				var runs []testRun
				for _, dir := range args {
					p, err := e.loadProject(dir)
					r := testRun{dirProblems: newDirProblems(dir, err)}
					if err == nil {
						r.cases = pipelinetest.Execute(p, pipelinetest.Options{Update: *update})
					}
					runs = append(runs, r)
				}
				if err := writeTestRuns(e, f, runs, *verbose); err != nil {
					return err
				}
				for _, r := range runs {
					if !r.valid() || pipelinetest.Count(r.cases).Failed > 0 {
						return errReported
					}
				}
				return nil
			}
		},
	})
}

// testRun is the outcome of testing one directory.
type testRun struct {
	dirProblems
	cases []pipelinetest.CaseResult
}

func writeTestRuns(e *env, f outputFormat, runs []testRun, verbose bool) error {
	switch f {
	case formatJSON:
		return writeJSON(e.stdout, testJSON(runs))
	case formatJUnit:
		return testJUnit(runs).write(e.stdout)
	}
	var total pipelinetest.Summary
	for _, r := range runs {
		sum := pipelinetest.Count(r.cases)
		total.Passed += sum.Passed
		total.Failed += sum.Failed
		if f == formatGitHub {
			r.writeAnnotations(e.stdout)
			for _, c := range r.cases {
				if !c.Passed() {
					annotate(e.stdout, config.RelPath(c.File), c.Line, 0, "test: "+c.Name, strings.Join(c.Problems, "\n"))
				}
			}
			continue
		}
		writeProblemLines(e.stderr, r.dirProblems)
		if r.valid() {
			pipelinetest.WriteText(e.stdout, r.cases, verbose)
			fmt.Fprintf(e.stdout, "%d passed, %d failed\n", sum.Passed, sum.Failed)
		}
	}
	if f == formatGitHub {
		fmt.Fprintf(e.stdout, "%d passed, %d failed\n", total.Passed, total.Failed)
	}
	return nil
}

// caseJSON is a test case in -format json.
type caseJSON struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Pipeline string   `json:"pipeline"`
	Name     string   `json:"name"`
	Passed   bool     `json:"passed"`
	Problems []string `json:"problems"`
}

func testJSON(runs []testRun) any {
	type dirJSON struct {
		Dir      string        `json:"dir"`
		Valid    bool          `json:"valid"`
		Problems []problemJSON `json:"problems"`
		Cases    []caseJSON    `json:"cases"`
	}
	doc := struct {
		Passed      int       `json:"passed"`
		Failed      int       `json:"failed"`
		Directories []dirJSON `json:"directories"`
	}{}
	for _, r := range runs {
		d := dirJSON{Dir: r.Dir, Valid: r.valid(), Problems: r.json(), Cases: []caseJSON{}}
		for _, c := range r.cases {
			problems := c.Problems
			if problems == nil {
				problems = []string{}
			}
			d.Cases = append(d.Cases, caseJSON{File: config.RelPath(c.File), Line: c.Line, Pipeline: c.Pipeline, Name: c.Name, Passed: c.Passed(), Problems: problems})
		}
		sum := pipelinetest.Count(r.cases)
		doc.Passed += sum.Passed
		doc.Failed += sum.Failed
		doc.Directories = append(doc.Directories, d)
	}
	return doc
}

// testJUnit makes one suite per test file, one case per test case, and a
// suite holding the validation of each invalid directory.
func testJUnit(runs []testRun) *junitSuites {
	doc := &junitSuites{Name: "pipewright test"}
	for _, r := range runs {
		if !r.valid() {
			s := junitSuite{Name: r.Dir}
			s.add(validationCase(r.dirProblems))
			doc.Suites = append(doc.Suites, s)
			continue
		}
		var suite *junitSuite
		for _, c := range r.cases {
			file := config.RelPath(c.File)
			if suite == nil || suite.Name != file {
				doc.Suites = append(doc.Suites, junitSuite{Name: file})
				suite = &doc.Suites[len(doc.Suites)-1]
			}
			jc := junitCase{Name: c.Name, Classname: filepath.Base(r.Dir) + "." + c.Pipeline, File: file, Line: c.Line}
			if !c.Passed() {
				jc.Failure = newFailure("mismatch", c.Problems)
			}
			suite.add(jc)
		}
	}
	return doc
}
