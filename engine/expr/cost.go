package expr

import (
	"math"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// Runtime cost tracking makes evaluation two to three times slower, so a
// program runs with it only when its static worst-case cost may exceed the
// limit. The static estimate assumes that lists and maps read from the input
// have at most assumedEntries entries and strings at most assumedChars
// characters. Under these assumptions a program that iterates over one input
// list per element of another (quadratic work) always exceeds the default
// limit and is tracked; a program that escapes tracking does work linear in
// the size of its input, so a larger message costs proportionally more, never
// unboundedly more.
const (
	assumedEntries = 1000
	assumedChars   = 1000
)

// inputSizes bounds the sizes of values read from variables.
type inputSizes struct{}

// EstimateSize implements checker.CostEstimator.
func (inputSizes) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	if n.Type().TypeName() == DecimalType.TypeName() {
		return &checker.SizeEstimate{Min: 1, Max: 1} // compared in one step
	}
	if len(n.Path()) == 0 {
		if numericResult(n.Expr()) {
			return &checker.SizeEstimate{Min: 1, Max: 1}
		}
		return nil
	}
	size := uint64(assumedEntries)
	if k := n.Type().Kind(); k == types.StringKind || k == types.BytesKind {
		size = assumedChars
	}
	return &checker.SizeEstimate{Min: 0, Max: size}
}

// numericResult reports whether e is a call of an operator that never
// gives a string, bytes, a list or a map (- * / % and negation give
// numbers, durations and timestamps), whatever its operands' checked
// types: dyn operands (let values, lookup variables) otherwise leave its
// size unknown, and `a - b + c` would count as a concatenation without
// bound and be tracked for nothing.
func numericResult(e ast.Expr) bool {
	if e.Kind() != ast.CallKind || e.AsCall().IsMemberFunction() {
		return false
	}
	switch e.AsCall().FunctionName() {
	case operators.Subtract, operators.Multiply, operators.Divide, operators.Modulo, operators.Negate:
		return true
	}
	return false
}

// EstimateCallCost implements checker.CostEstimator.
func (inputSizes) EstimateCallCost(function, overloadID string, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
	return nil
}

// needsCostTracking reports whether the checked expression's worst-case cost
// may exceed the limit.
func (e *Env) needsCostTracking(checked *cel.Ast) bool {
	est, err := e.cel.EstimateCost(checked, inputSizes{})
	return err != nil || est.Max > e.costLimit
}

// costModel prices an overload whose work grows with its input, for the
// static estimate and for runtime tracking, like cel-go prices its own
// string and list functions.
type costModel struct {
	estimate checker.FunctionEstimator
	track    interpreter.FunctionTracker
}

// scanCost prices a string function that reads its receiver once and
// writes a result about as long (ascii's ß -> ss aside).
var scanCost = costModel{
	estimate: func(est checker.CostEstimator, target *checker.AstNode, _ []checker.AstNode) *checker.CallEstimate {
		in := sizeOf(est, *target)
		return &checker.CallEstimate{CostEstimate: in.MultiplyByCostFactor(2 * common.StringTraversalCostFactor), ResultSize: &in}
	},
	track: func(args []ref.Val, result ref.Val) *uint64 {
		return traversal(actualSize(args[0]) + actualSize(result))
	},
}

// padCost prices padLeft and padRight, whose result is as long as the
// width argument.
var padCost = costModel{
	estimate: func(est checker.CostEstimator, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
		out := sizeOf(est, *target).Union(checker.FixedSizeEstimate(literalOr(args[0], maxWidth)))
		return &checker.CallEstimate{CostEstimate: out.MultiplyByCostFactor(2 * common.StringTraversalCostFactor), ResultSize: &out}
	},
	track: func(args []ref.Val, result ref.Val) *uint64 {
		return traversal(actualSize(args[0]) + actualSize(result))
	},
}

// listCost prices a function that reads every element of its first list
// argument (sum) or creates as many (allocate: parts or weights).
var listCost = costModel{
	estimate: func(est checker.CostEstimator, _ *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
		n := checker.FixedSizeEstimate(maxParts)
		for _, a := range args {
			if a.Type().Kind() == types.ListKind {
				n = sizeOf(est, a)
			}
		}
		if len(args) > 1 && args[1].Type().Kind() == types.IntKind {
			n = checker.FixedSizeEstimate(literalOr(args[1], maxParts))
		}
		return &checker.CallEstimate{CostEstimate: n.MultiplyByCostFactor(1), ResultSize: &n}
	},
	track: func(args []ref.Val, result ref.Val) *uint64 {
		n := max(actualSize(args[0]), actualSize(result))
		return &n
	},
}

// sizeOf estimates the size of an argument. A string of unknown size, such
// as the result of cel-go's replace, counts as an input string: string sizes
// only make the estimate grow linearly, while list sizes decide whether a
// program is quadratic.
func sizeOf(est checker.CostEstimator, n checker.AstNode) checker.SizeEstimate {
	if s := n.ComputedSize(); s != nil {
		return *s
	}
	if s := est.EstimateSize(n); s != nil {
		return *s
	}
	if n.Type().Kind() == types.StringKind {
		return checker.SizeEstimate{Min: 0, Max: assumedChars}
	}
	return checker.SizeEstimate{Min: 0, Max: math.MaxUint64}
}

// literalOr is the value of an int literal argument, or def.
func literalOr(n checker.AstNode, def uint64) uint64 {
	if n.Expr().Kind() == ast.LiteralKind {
		if i, ok := n.Expr().AsLiteral().(types.Int); ok && i >= 0 {
			return uint64(i)
		}
	}
	return def
}

func actualSize(v ref.Val) uint64 {
	if s, ok := v.(traits.Sizer); ok {
		if n, ok := s.Size().(types.Int); ok && n > 0 {
			return uint64(n)
		}
	}
	return 1
}

func traversal(chars uint64) *uint64 {
	c := uint64(float64(chars)*common.StringTraversalCostFactor) + 1
	return &c
}
