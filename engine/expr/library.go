package expr

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/functions"
	"github.com/google/cel-go/interpreter"
)

// libSpec declares one function library: the functions the checker and the
// interpreter see, and the documentation Reference renders. A test executes
// every example.
type libSpec struct {
	// name is the cel.Library name, namespaced "pipewright.lib.<x>".
	name string
	// title and intro head the library's section in docs/cel.md.
	title, intro string
	// version is the newest version: functions declare the one they
	// appeared in, so a pinned version keeps the meaning of old expressions.
	version uint32
	// options are extra declarations (types, variables, other libraries).
	options func() []cel.EnvOption
	fns     []fn
}

// fn declares one function (or operator) with its overloads.
type fn struct {
	name  string
	since uint32
	doc   string
	// examples are "expression // expected" lines; expected is a CEL
	// expression or "error: <text the error contains>".
	examples []string
	// external marks functions declared by another library (cel-go's
	// extensions): documented and example-tested here, not declared.
	external bool
	// declareAs, when set, is the name the overloads are declared under
	// (see equality.go); name is what the documentation shows.
	declareAs string
	// params names the arguments (after the receiver of a member) in the
	// signatures the documentation shows.
	params    []string
	overloads []overload
}

// overload is one signature of a function. Operators on the decimal type
// have no binding: the value's traits implement them.
type overload struct {
	id     string
	member bool
	args   []*cel.Type
	result *cel.Type
	unary  functions.UnaryOp
	binary functions.BinaryOp
	varfn  functions.FunctionOp
	// cost prices an overload whose work grows with its input (cost.go);
	// nil means a constant cost of 1.
	cost *costModel
}

// library is the cel.Library built from a libSpec, limited to a version.
type library struct {
	spec    *libSpec
	version uint32
}

// LibraryName implements cel.SingletonLibrary.
func (l library) LibraryName() string { return l.spec.name }

// CompileOptions implements cel.Library.
func (l library) CompileOptions() []cel.EnvOption {
	var opts []cel.EnvOption
	if l.spec.options != nil {
		opts = l.spec.options()
	}
	for _, f := range l.declared() {
		opts = append(opts, f.envOption())
		for _, o := range f.overloads {
			if o.cost != nil {
				opts = append(opts, cel.CostEstimatorOptions(checker.OverloadCostEstimate(o.id, o.cost.estimate)))
			}
		}
	}
	return opts
}

// ProgramOptions implements cel.Library.
func (l library) ProgramOptions() []cel.ProgramOption {
	var opts []cel.ProgramOption
	for _, f := range l.declared() {
		for _, o := range f.overloads {
			if o.cost != nil {
				opts = append(opts, cel.CostTrackerOptions(interpreter.OverloadCostTracker(o.id, o.cost.track)))
			}
		}
	}
	return opts
}

// declared lists the functions the library declares at its version.
func (l library) declared() []fn {
	var fns []fn
	for _, f := range l.spec.fns {
		if !f.external && f.since <= l.version {
			fns = append(fns, f)
		}
	}
	return fns
}

func (f fn) envOption() cel.EnvOption {
	opts := []cel.FunctionOpt{cel.FunctionDocs(f.doc)}
	for _, o := range f.overloads {
		var oo []cel.OverloadOpt
		switch {
		case o.unary != nil:
			oo = append(oo, cel.UnaryBinding(o.unary))
		case o.binary != nil:
			oo = append(oo, cel.BinaryBinding(o.binary))
		case o.varfn != nil:
			oo = append(oo, cel.FunctionBinding(o.varfn))
		}
		if o.member {
			opts = append(opts, cel.MemberOverload(o.id, o.args, o.result, oo...))
		} else {
			opts = append(opts, cel.Overload(o.id, o.args, o.result, oo...))
		}
	}
	name := f.name
	if f.declareAs != "" {
		name = f.declareAs
	}
	return cel.Function(name, opts...)
}

// libraries lists every library in the order docs/cel.md shows them.
func libraries() []*libSpec {
	return []*libSpec{decimalLib, stringsLib, timeLib, tablesLib}
}

// args is shorthand for an overload's argument types.
func args(t ...*cel.Type) []*cel.Type { return t }
