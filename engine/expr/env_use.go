package expr

import (
	"fmt"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
)

// EnvUse is one read of an env value in an expression: env.NAME or
// env["NAME"], and the conversion it goes through, if any.
type EnvUse struct {
	Name string
	// Conversion is the function the value is given to (int, decimal,
	// bool, timestamp, ...), or "" when it is used as a string.
	Conversion string
	// Line and Column locate the read in the expression (1-based).
	Line, Column int
}

// String describes the use as written: int(env.SAFETY_STOCK).
func (u EnvUse) String() string {
	if u.Conversion == "" {
		return "env." + u.Name
	}
	return fmt.Sprintf("%s(env.%s)", u.Conversion, u.Name)
}

// envUse records x when it reads an env value, converted by conversion.
func (c *shapeChecker) envUse(x ast.Expr, conversion string) bool {
	name, at := "", x
	switch x.Kind() {
	case ast.SelectKind:
		sel := x.AsSelect()
		if op := sel.Operand(); op.Kind() == ast.IdentKind && op.AsIdent() == "env" && !sel.IsTestOnly() {
			name, at = sel.FieldName(), op
		}
	case ast.CallKind:
		call := x.AsCall()
		if call.FunctionName() == "_[_]" && len(call.Args()) == 2 {
			op, key := call.Args()[0], call.Args()[1]
			if s, ok := key.AsLiteral().(types.String); ok && key.Kind() == ast.LiteralKind && op.Kind() == ast.IdentKind && op.AsIdent() == "env" {
				name, at = string(s), op
			}
		}
	}
	if name == "" {
		return false
	}
	line, col := c.position(at.ID(), true)
	c.envUses = append(c.envUses, EnvUse{Name: name, Conversion: conversion, Line: line, Column: col})
	return true
}

var (
	conversionEnv = sync.OnceValues(func() (*cel.Env, error) {
		base, err := baseEnv()
		if err != nil {
			return nil, err
		}
		return base.Extend(cel.Variable("value", cel.StringType))
	})
	conversionPrograms sync.Map // conversion -> cel.Program
)

// CheckConversion reports whether value, as an env value, survives the
// conversion a use puts it through ("" always does), with the error the
// expression would raise.
func CheckConversion(conversion, value string) error {
	if conversion == "" {
		return nil
	}
	prg, ok := conversionPrograms.Load(conversion)
	if !ok {
		env, err := conversionEnv()
		if err != nil {
			return err
		}
		checked, iss := env.Compile(conversion + "(value)")
		if iss.Err() != nil {
			return iss.Err()
		}
		p, err := env.Program(checked)
		if err != nil {
			return err
		}
		prg, _ = conversionPrograms.LoadOrStore(conversion, p)
	}
	out, _, err := prg.(cel.Program).Eval(map[string]any{"value": value})
	if err != nil {
		return err
	}
	if types.IsError(out) {
		return fmt.Errorf("%v", out)
	}
	return nil
}
