package pipelinetest

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
)

// check compares what happened with what the case expects and returns
// readable differences (none when the case passes).
func check(e config.Expect, res *flow.Result, failure *flow.StepError, opts Options) []string {
	if e.Error != nil {
		return checkError(e, res, failure)
	}
	if failure != nil {
		return []string{fmt.Sprintf("unexpected error at step %s: %v", failure.Step.Name, failure.Err)}
	}
	if e.Dropped {
		if res.Dropped == 0 || len(res.Outputs) > 0 {
			return []string{fmt.Sprintf("want the message dropped by a filter, got %d output(s)", len(res.Outputs))}
		}
		return nil
	}
	var problems []string
	if e.Route != nil {
		if got := sinksOf(res); !equalStrings(got, e.Route) {
			problems = append(problems, fmt.Sprintf("route: want %s, got %s", list(e.Route), list(got)))
		}
	}
	if e.HasOutputs {
		return append(problems, checkOutputs(e.Outputs, res)...)
	}
	if !e.HasOutput && !e.HasContains && e.OutputFile == "" {
		return problems
	}
	if len(res.Outputs) != 1 {
		return append(problems, fmt.Sprintf("want one output, got %d%s", len(res.Outputs), droppedNote(res)))
	}
	got := res.Outputs[0].Msg.Body
	switch {
	case e.HasOutput:
		problems = append(problems, Diff("output", e.Output, got, false)...)
	case e.HasContains:
		problems = append(problems, Diff("output", e.Contains, got, true)...)
	default:
		problems = append(problems, checkGolden(e.OutputFile, got, opts.Update)...)
	}
	return problems
}

func checkError(e config.Expect, res *flow.Result, failure *flow.StepError) []string {
	if failure == nil {
		return []string{fmt.Sprintf("want an error matching %q, got %d output(s)%s", e.Error, len(res.Outputs), droppedNote(res))}
	}
	var problems []string
	if !e.Error.MatchString(failure.Err.Error()) {
		problems = append(problems, fmt.Sprintf("error: want a match for %q, got %q", e.Error, failure.Err.Error()))
	}
	if e.Step != "" && failure.Step.Name != e.Step {
		problems = append(problems, fmt.Sprintf("error at step %s, want step %s", failure.Step.Name, e.Step))
	}
	switch permanent := component.IsPermanent(failure.Err); {
	case e.Retryable && permanent:
		problems = append(problems, "the error is permanent, not retryable: the message would be dead-lettered, not retried")
	case !e.Retryable && !permanent:
		problems = append(problems, "the error is retryable, not permanent: the message would be retried, not dead-lettered")
	}
	return problems
}

func checkOutputs(want []any, res *flow.Result) []string {
	if len(want) != len(res.Outputs) {
		return []string{fmt.Sprintf("want %d outputs, got %d%s", len(want), len(res.Outputs), droppedNote(res))}
	}
	var problems []string
	for i, w := range want {
		problems = append(problems, Diff(fmt.Sprintf("outputs[%d]", i), w, res.Outputs[i].Msg.Body, false)...)
	}
	return problems
}

func checkGolden(path string, got any, update bool) []string {
	enc, err := component.EncodeJSON(got)
	if err != nil {
		return []string{err.Error()}
	}
	if update {
		if err := os.WriteFile(path, append(indentJSON(enc), '\n'), 0o644); err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("golden file: %v (run with --update to create it)", err)}
	}
	want, err := config.DecodeFixture(path, data)
	if err != nil {
		return []string{err.Error()}
	}
	return Diff("output", want, got, false)
}

func sinksOf(res *flow.Result) []string {
	var sinks []string
	for _, o := range res.Outputs {
		sinks = append(sinks, o.Sink)
	}
	return sinks
}

// equalStrings reports whether a and b hold the same strings in any order.
func equalStrings(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func list(s []string) string { return "[" + strings.Join(s, ", ") + "]" }

func droppedNote(res *flow.Result) string {
	if res.Dropped > 0 {
		return fmt.Sprintf(" (%d dropped by a filter)", res.Dropped)
	}
	return ""
}
