package expr

import (
	"fmt"
	"sort"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common"
)

// Issue is a problem found while compiling an expression. Line and Column
// are 1-based and count inside the expression's source, columns in
// characters (Unicode code points), so the loader can map them into the YAML
// file.
type Issue struct {
	Line, Column int
	Message      string
}

// String formats the issue as LINE:COL: message.
func (i Issue) String() string { return fmt.Sprintf("%d:%d: %s", i.Line, i.Column, i.Message) }

// CompileOption adds to what Compile knows.
type CompileOption func(*compileOptions)

type compileOptions struct {
	shapes map[string]*Shape
}

// WithShapes gives the shapes of variables (msg, lookup results, let
// values): reading a column or field a shape does not have, or comparing
// one with a literal it can never equal, is a compile error.
func WithShapes(shapes map[string]*Shape) CompileOption {
	return func(o *compileOptions) { o.shapes = shapes }
}

// Compile parses and type-checks src and plans its program. On failure it
// returns no program and every issue found, sorted by position.
func (e *Env) Compile(src string, opts ...CompileOption) (*Program, []Issue) {
	var o compileOptions
	for _, opt := range opts {
		opt(&o)
	}
	// One parse serves the shape checker (which only reads it) and the
	// type checker (which may rewrite it, so it comes second).
	var (
		shapes      shapeResult
		shapeIssues []Issue
		checked     *cel.Ast
	)
	parsed, iss := e.cel.Parse(src)
	if iss.Err() == nil {
		shapes, shapeIssues = e.checkShapes(parsed, o.shapes)
		checked, iss = e.checkAST(src, parsed)
	}
	if iss.Err() != nil {
		issues := append(shapeIssues, shapes.unexplained(celIssues(iss.Errors()))...)
		sortIssues(issues)
		return nil, issues
	}
	if issues := append(shapeIssues, e.checkTables(checked)...); len(issues) > 0 {
		sortIssues(issues)
		return nil, issues
	}
	p, err := e.program(checked)
	if err != nil {
		return nil, []Issue{{Line: 1, Column: 1, Message: err.Error()}}
	}
	p.env, p.checked = e, checked
	p.shape, p.envUses = shapes.result, shapes.envUses
	return p, nil
}

// shapeResult is what checkShapes learnt beside its issues.
type shapeResult struct {
	result   *Shape // the shape of the expression's value, if known
	envUses  []EnvUse
	replaced map[[2]int]bool
}

// checkShapes runs the shape checker (shape_check.go) on parsed, which it
// does not change.
func (e *Env) checkShapes(parsed *cel.Ast, shapes map[string]*Shape) (shapeResult, []Issue) {
	c := &shapeChecker{env: e, parsed: parsed, replaced: map[[2]int]bool{}}
	v := c.visit(parsed.NativeRep().Expr(), shapes)
	res := shapeResult{envUses: c.envUses, replaced: c.replaced}
	if !v.opt {
		res.result = v.shape
	}
	return res, c.issues
}

// unexplained drops the checker's issues that a shape issue explains: those
// at the position of a comparison the shape checker reported (the checker
// can only complain there about the comparison's operand types).
func (r shapeResult) unexplained(issues []Issue) []Issue {
	out := issues[:0]
	for _, is := range issues {
		if !r.replaced[[2]int{is.Line, is.Column}] {
			out = append(out, is)
		}
	}
	return out
}

// celIssues converts cel-go's errors, whose columns are 0-based.
func celIssues(errs []*common.Error) []Issue {
	issues := make([]Issue, 0, len(errs))
	for _, err := range errs {
		line, col := err.Location.Line(), err.Location.Column()+1
		if line < 1 {
			line, col = 1, 1
		}
		issues = append(issues, Issue{Line: line, Column: col, Message: err.Message})
	}
	sortIssues(issues)
	return issues
}

func sortIssues(issues []Issue) {
	sort.SliceStable(issues, func(a, b int) bool {
		if issues[a].Line != issues[b].Line {
			return issues[a].Line < issues[b].Line
		}
		return issues[a].Column < issues[b].Column
	})
}

// location converts an offset in the source to a 1-based line and column.
func location(a *cel.Ast, offset int32) (int, int) {
	loc := a.NativeRep().SourceInfo().GetLocationByOffset(offset)
	return loc.Line(), loc.Column() + 1
}
