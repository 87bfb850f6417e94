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

// Compile parses and type-checks src and plans its program. On failure it
// returns no program and every issue found, sorted by position.
func (e *Env) Compile(src string) (*Program, []Issue) {
	checked, iss := e.compileAST(src)
	if iss.Err() != nil {
		return nil, celIssues(iss.Errors())
	}
	if issues := e.checkTables(checked); len(issues) > 0 {
		return nil, issues
	}
	p, err := e.program(checked)
	if err != nil {
		return nil, []Issue{{Line: 1, Column: 1, Message: err.Error()}}
	}
	return p, nil
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
