package pipelinetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
)

// Options configures Run.
type Options struct {
	// Update rewrites output_file golden files with the actual output.
	Update bool
	// Verbose prints passing cases too (failures are always printed).
	Verbose bool
}

// Summary counts the outcomes of Run.
type Summary struct {
	Passed, Failed int
}

// CaseResult is the outcome of one test case.
type CaseResult struct {
	// File is the test file's path as loaded; Line is the case's line in it.
	File string
	Line int
	// Pipeline is the pipeline under test; Name is the case's name.
	Pipeline, Name string
	// Problems are readable differences; none when the case passed.
	Problems []string
}

// Passed reports whether the case passed.
func (c CaseResult) Passed() bool { return len(c.Problems) == 0 }

// Execute runs every test case of the project and returns the outcomes in
// file and case order. Nothing is printed; Run prints them as text.
func Execute(p *config.Project, opts Options) []CaseResult {
	var out []CaseResult
	for _, tf := range p.Tests {
		pl, ok := p.Pipeline(tf.Pipeline)
		if !ok {
			continue // reported by validation
		}
		for _, tc := range tf.Cases {
			globals := &config.Globals{Tables: p.Tables, Env: overlay(overlay(p.Env, tf.Env), tc.Env), Clock: component.FixedClock(tf.Now)}
			out = append(out, CaseResult{File: tf.File, Line: tc.Line, Pipeline: pl.Name, Name: tc.Name, Problems: runCase(pl, globals, tc, opts)})
		}
	}
	return out
}

// Count sums the outcomes.
func Count(results []CaseResult) Summary {
	var sum Summary
	for _, r := range results {
		if r.Passed() {
			sum.Passed++
		} else {
			sum.Failed++
		}
	}
	return sum
}

// Run runs every test file of the project, printing one line per case
// (passing cases only when verbose) and a final "N passed, M failed".
func Run(p *config.Project, w io.Writer, opts Options) Summary {
	results := Execute(p, opts)
	WriteText(w, results, opts.Verbose)
	sum := Count(results)
	fmt.Fprintf(w, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	return sum
}

// WriteText prints one line per failing case (per case when verbose), as
// FILE:LINE NAME, with its problems indented below.
func WriteText(w io.Writer, results []CaseResult, verbose bool) {
	for _, r := range results {
		where := fmt.Sprintf("%s:%d", config.RelPath(r.File), r.Line)
		if r.Passed() {
			if verbose {
				fmt.Fprintf(w, "PASS %s %s\n", where, r.Name)
			}
			continue
		}
		fmt.Fprintf(w, "FAIL %s %s\n", where, r.Name)
		for _, pr := range r.Problems {
			fmt.Fprintf(w, "    %s\n", pr)
		}
	}
}

func overlay(base, over map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(over))
	maps.Copy(out, base)
	maps.Copy(out, over)
	return out
}

func runCase(pl *config.Pipeline, globals *config.Globals, tc *config.TestCase, opts Options) []string {
	msg := component.NewMessage("test", tc.Body)
	for k, v := range tc.Metadata {
		msg.SetMeta(k, v)
	}
	msg.SetMeta(component.MetaPipeline, pl.Name)
	exec := flow.New(pl, tc.StepEnv(globals), nil)
	res, err := exec.Process(context.Background(), msg, 0)
	var failure *flow.StepError
	switch {
	case err != nil:
		errors.As(err, &failure)
	case len(res.Failed) > 0:
		failure = res.Failed[0]
	}
	return check(tc.Expect, res, failure, opts)
}
