package pipelinetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"

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

// Run runs every test file of the project, printing one line per case
// (passing cases only when verbose) and a final "N passed, M failed".
func Run(p *config.Project, w io.Writer, opts Options) Summary {
	var sum Summary
	for _, tf := range p.Tests {
		pl, ok := p.Pipeline(tf.Pipeline)
		if !ok {
			continue // reported by validation
		}
		for _, tc := range tf.Cases {
			globals := &config.Globals{Tables: p.Tables, Env: overlay(overlay(p.Env, tf.Env), tc.Env), Clock: component.FixedClock(tf.Now)}
			problems := runCase(pl, globals, tc, opts)
			where := fmt.Sprintf("%s:%d", rel(tf.File), tc.Line)
			if len(problems) == 0 {
				sum.Passed++
				if opts.Verbose {
					fmt.Fprintf(w, "PASS %s %s\n", where, tc.Name)
				}
				continue
			}
			sum.Failed++
			fmt.Fprintf(w, "FAIL %s %s\n", where, tc.Name)
			for _, pr := range problems {
				fmt.Fprintf(w, "    %s\n", pr)
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	return sum
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
	exec := flow.New(pl, globals, mockLookup(tc), deliveredState(tc), nil)
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

// mockLookup serves a case's mocks; a lookup without a mock fails the case.
func mockLookup(tc *config.TestCase) flow.LookupFunc {
	return func(_ context.Context, st *config.Step, _ map[string]any) (any, error) {
		m, ok := tc.Mocks[st.Name]
		if !ok {
			return nil, component.Permanentf("no mock for lookup step %q in this test case", st.Name)
		}
		switch {
		case m.Error != "" && m.Retryable:
			return nil, component.Retryable(errors.New(m.Error))
		case m.Error != "":
			return nil, component.Permanent(errors.New(m.Error))
		}
		return m.Result, nil
	}
}

// deliveredState serves a case's delivered values to changed steps.
func deliveredState(tc *config.TestCase) flow.StateFunc {
	state := map[string][]byte{}
	for step, values := range tc.Delivered {
		for key, v := range values {
			if enc, err := component.EncodeJSON(v); err == nil {
				state[flow.ChangedKey(step, key)] = enc
			}
		}
	}
	return func(_ context.Context, key string) ([]byte, bool, error) {
		v, ok := state[key]
		return v, ok, nil
	}
}

func rel(path string) string {
	if r, err := filepath.Rel(".", path); err == nil {
		return r
	}
	return path
}
