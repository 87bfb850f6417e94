package expr

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"
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
		return nil
	}
	size := uint64(assumedEntries)
	if k := n.Type().Kind(); k == types.StringKind || k == types.BytesKind {
		size = assumedChars
	}
	return &checker.SizeEstimate{Min: 0, Max: size}
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
