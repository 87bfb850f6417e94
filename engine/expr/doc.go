// Package expr is pipewright's CEL environment: the variables, types and
// function libraries that pipeline expressions are written in, compiled once
// at load time and evaluated for every message.
//
// The loader builds one Env per pipeline with NewEnv (cheap: every Env extends
// one shared base environment), compiles each expression with Env.Compile,
// which reports problems as Issues with a line and column inside the
// expression, and keeps the resulting Program. At run time a step builds one
// Activation per message with NewActivation and evaluates every Program of
// that message against it.
//
// Expressions see these variables: msg (the message body), meta (its
// metadata), vars (lookup results; each is also a top-level variable),
// tables (the directory's lookup tables, tables.<name>), env (the project's
// env values) and now (the engine clock's time).
//
// Inputs and results use the message value model of package component: nil,
// bool, string, int64, float64, decimal.Decimal, time.Time, []any and
// map[string]any. Money is the CEL type decimal, built on
// github.com/govalues/decimal: it mixes with int but never with double, so
// float arithmetic on amounts is a compile error.
//
// The function libraries (decimal, strings, time, tables) are declared in one
// table per library with documentation and examples; Reference renders them
// as docs/cel.md and a test executes every example.
//
// Speed: message maps and lists are wrapped, not copied (values.go); a
// program whose static worst-case cost is within the limit runs without
// runtime cost tracking (cost.go), and then gets specialised plans for what
// mappings do most: field paths read straight from the Go maps (direct.go),
// map, filter, sum and cel.bind comprehensions run without CEL's general
// fold (fastfold.go, bind.go), and bodies such as money(i.ItemPrice)
// evaluated from the Go values (inplace.go). A test checks every
// specialised plan against CEL's own (fastpaths_test.go).
package expr
