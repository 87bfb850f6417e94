package expr

import "github.com/google/cel-go/cel"

// compileAST parses and checks src as Compile does, for the tests that
// look at the checked AST.
func (e *Env) compileAST(src string) (*cel.Ast, *cel.Issues) {
	parsed, iss := e.cel.Parse(src)
	if iss.Err() != nil {
		return nil, iss
	}
	return e.checkAST(src, parsed)
}
