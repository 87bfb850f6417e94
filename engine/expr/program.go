package expr

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/pipewright/pipewright/engine/component"
)

// Program is a compiled expression. It is stateless and safe for concurrent
// use.
type Program struct {
	prg cel.Program
}

func (e *Env) program(checked *cel.Ast) (*Program, error) {
	prg, err := e.cel.Program(checked,
		cel.CustomDecoratorV2(mixedDecorator(checked.NativeRep())),
		cel.CostLimit(e.costLimit),
	)
	if err != nil {
		return nil, fmt.Errorf("planning the expression: %w", err)
	}
	return &Program{prg: prg}, nil
}

// Eval evaluates the program against a message's activation and returns the
// result in the message value model (see package component): nil, bool,
// string, int64, float64, decimal.Decimal, time.Time, []any and
// map[string]any. Evaluation errors (a missing key, a failed conversion,
// division by zero, the cost limit) are bad data for this message and are
// marked permanent.
func (p *Program) Eval(a *Activation) (any, error) {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return nil, component.Permanent(err)
	}
	v, err := toValue(out)
	if err != nil {
		return nil, component.Permanent(err)
	}
	return v, nil
}
