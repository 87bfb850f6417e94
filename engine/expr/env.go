package expr

import (
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
)

// DefaultCostLimit is the runtime cost limit per evaluation when
// Options.CostLimit is 0. CEL charges about one unit per operation, variable
// access and list element visited (a tenth per string character), so a
// field expression costs tens to a few hundred units; the limit only stops
// runaway expressions such as nested comprehensions over large lists.
//
// Counting cost at run time makes evaluation two to three times slower, so
// only programs whose static worst case may exceed the limit count it (see
// Program.CostTracked and cost.go): the estimate assumes input lists of at
// most 1000 entries and strings of at most 1000 characters, under which
// looping over one input list inside another always exceeds the default
// limit. A program that does not count does work linear in the size of its
// input.
const DefaultCostLimit = 1_000_000

// Options configures an environment.
type Options struct {
	// Tables names the directory's lookup tables: tables.<name> with any
	// other name is a compile error.
	Tables []string
	// Typed are the tables themselves, when known: their rows type
	// tables.<name>[key], so that reading a column a table does not have,
	// comparing a column with a literal of another type or with a value it
	// never holds, and looking up a literal key it lacks are compile errors.
	Typed Tables
	// Vars names extra top-level dyn variables (the `as` names of lookup
	// steps), beside the built-ins.
	Vars []string
	// CostLimit is the runtime cost limit per evaluation; 0 means
	// DefaultCostLimit.
	CostLimit uint64
	// Plain turns the fast paths off (see fastpaths.go): every program
	// runs cel-go's own plan. Results and errors are the same either way
	// (FuzzFastPaths checks it); plain is slower on comprehensions.
	Plain bool
}

// Env is a CEL environment for one pipeline. It is safe for concurrent use.
type Env struct {
	cel       *cel.Env
	tables    map[string]bool
	typed     Tables
	costLimit uint64
	plain     bool
}

// builtinVars are the variables every expression sees.
var builtinVars = []struct {
	name string
	typ  *cel.Type
	doc  string
}{
	{"msg", cel.DynType, "the message body (map, list or scalar)"},
	{"meta", cel.MapType(cel.StringType, cel.StringType), "the message metadata"},
	{"vars", cel.MapType(cel.StringType, cel.DynType), "lookup results by the `as` name of their step; each is also a top-level variable"},
	{"tables", cel.MapType(cel.StringType, anyTableType), "the directory's lookup tables: `tables.<name>[key]`"},
	{"env", cel.MapType(cel.StringType, cel.StringType), "the project's env values"},
	{"now", cel.TimestampType, "the engine clock's time when the message is processed"},
}

// baseEnv is the environment every Env extends, built once.
var baseEnv = sync.OnceValues(func() (*cel.Env, error) {
	opts := []cel.EnvOption{
		cel.CustomTypeAdapter(valueAdapter),
		cel.OptionalTypes(),
		ext.Lists(ext.ListsVersion(listsExtVersion)),
		ext.TwoVarComprehensions(ext.TwoVarComprehensionsVersion(0)),
		ext.Bindings(ext.BindingsVersion(1)),
	}
	for _, v := range builtinVars {
		opts = append(opts, cel.VariableWithDoc(v.name, v.typ, v.doc))
	}
	for _, l := range libraries() {
		opts = append(opts, cel.Lib(library{spec: l, version: l.version}))
	}
	return cel.NewEnv(opts...)
})

// listsExtVersion pins cel-go's list extension (like the other extension
// versions here) so that upgrading cel-go cannot change what an existing
// expression means.
const listsExtVersion = 3

var identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reserved are names a variable may not take: the built-in variables and
// CEL's reserved words.
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"true", "false", "null", "in", "as", "break", "const", "continue",
		"else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return",
		"var", "void", "while"} {
		m[w] = true
	}
	for _, v := range builtinVars {
		m[v.name] = true
	}
	return m
}()

// NewEnv returns an environment with the given tables and variables. It
// extends one shared base environment, so it is cheap to call per pipeline.
// Table and variable names must be identifiers; variables must not repeat or
// take a built-in name.
func NewEnv(opts Options) (*Env, error) {
	base, err := baseEnv()
	if err != nil {
		return nil, fmt.Errorf("building the base CEL environment: %w", err)
	}
	e := &Env{cel: base, tables: map[string]bool{}, typed: opts.Typed, costLimit: opts.CostLimit, plain: opts.Plain}
	if e.costLimit == 0 {
		e.costLimit = DefaultCostLimit
	}
	for _, t := range opts.Tables {
		if !identPattern.MatchString(t) {
			return nil, fmt.Errorf("table name %q is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", t)
		}
		e.tables[t] = true
	}
	decls := make([]cel.EnvOption, 0, len(opts.Vars)+len(opts.Typed))
	for _, name := range sortedKeys(opts.Typed) {
		if !identPattern.MatchString(name) {
			return nil, fmt.Errorf("table name %q is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", name)
		}
		e.tables[name] = true
		// tables.<name> resolves as a qualified name before tables itself.
		decls = append(decls, cel.Variable("tables."+name, cel.OpaqueType("table", opts.Typed[name].rowType())))
	}
	if len(decls) == 0 && len(opts.Vars) == 0 {
		return e, nil
	}
	seen := map[string]bool{}
	for _, v := range opts.Vars {
		if err := CheckVarName(v); err != nil {
			return nil, err
		}
		if seen[v] {
			return nil, fmt.Errorf("variable %q is declared twice", v)
		}
		seen[v] = true
		decls = append(decls, cel.Variable(v, cel.DynType))
	}
	if e.cel, err = base.Extend(decls...); err != nil {
		return nil, fmt.Errorf("declaring variables: %w", err)
	}
	return e, nil
}

// CheckVarName returns an error when name cannot be an extra variable
// (Options.Vars): it must be an identifier and neither a built-in variable
// nor a CEL reserved word.
func CheckVarName(name string) error {
	switch {
	case !identPattern.MatchString(name):
		return fmt.Errorf("variable name %q is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", name)
	case reserved[name]:
		return fmt.Errorf("variable name %q is reserved", name)
	}
	return nil
}

// tableNames lists the known tables, sorted, for messages.
func (e *Env) tableNames() []string {
	names := make([]string, 0, len(e.tables))
	for t := range e.tables {
		names = append(names, t)
	}
	sort.Strings(names)
	return names
}
