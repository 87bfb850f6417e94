package expr

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// planned plans src with the fast paths and returns the type of every
// node the decorator returned, by node id (the last one for an id).
func planned(t *testing.T, env *Env, src string) (*cel.Ast, map[int64]string) {
	t.Helper()
	checked, iss := env.compileAST(src)
	require.NoError(t, iss.Err())
	dec := planDecorator(checked.NativeRep(), true)
	types := map[int64]string{}
	_, err := env.cel.Program(checked, cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		i, err := dec(i)
		if err == nil {
			types[i.ID()] = fmt.Sprintf("%T", i)
		}
		return i, err
	}))
	require.NoError(t, err)
	return checked, types
}

func TestFastPaths_replace_the_common_comprehensions(t *testing.T) {
	env, err := NewEnv(Options{})
	require.NoError(t, err)
	for src, want := range map[string]string{
		`msg.items.map(i, i.sku)`:          "*expr.fastFold",
		`msg.items.sum(i, money(i.p))`:     "*expr.fastFold",
		`msg.items.filter(i, i.q > 1)`:     "*expr.fastFold",
		`cel.bind(x, msg.items, x)`:        "*expr.fastBind",
		`msg.items.exists(i, i.q == 1)`:    "*interpreter.evalFold",
		`msg.items.map(i, {"sku": i.sku})`: "*expr.fastFold",
	} {
		t.Run(src, func(t *testing.T) {
			checked, types := planned(t, env, src)
			assert.Equal(t, want, types[checked.NativeRep().Expr().ID()])
		})
	}
}

func TestFastPaths_build_object_bodies_as_Go_maps(t *testing.T) {
	env, err := NewEnv(Options{})
	require.NoError(t, err)
	for src, want := range map[string]bool{
		`msg.items.map(i, {"sku": i.sku, "n": 1})`:                     true,
		`msg.items.transformList(n, i, {"n": n, "sku": i.sku.trim()})`: true,
		`msg.items.map(i, {"sku": i.sku}).size()`:                      false, // not the result
		`msg.items.map(i, {i.sku: 1})`:                                 false, // a key that is not a literal
		`msg.items.map(i, {"sku": i.sku, ?"o": optional.of(1)})`:       false, // an optional entry
		`msg.items.map(i, [i.sku])`:                                    false,
	} {
		t.Run(src, func(t *testing.T) {
			checked, iss := env.compileAST(src)
			require.NoError(t, iss.Err())
			var fold *fastFold // the fold that gives the result
			dec := planDecorator(checked.NativeRep(), true)
			_, err := env.cel.Program(checked, cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
				i, err := dec(i)
				if f, ok := i.(*fastFold); ok && f.shape.root {
					fold = f
				}
				return i, err
			}))
			require.NoError(t, err)
			if !want {
				assert.True(t, fold == nil || fold.objectVals == nil)
				return
			}
			require.NotNil(t, fold)
			assert.NotNil(t, fold.objectVals)
		})
	}
}

// TestFastPaths_plan_every_comprehension_of_the_order_mapping fails when a
// cel-go upgrade changes what the fast paths rely on: the shapes its
// macros expand into, or the planner decorating every node after its
// parts. Results would stay right (the plain plan runs instead), but the
// measured mapping speed would be lost without anyone noticing.
func TestFastPaths_plan_every_comprehension_of_the_order_mapping(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "order_mapping.yaml"))
	require.NoError(t, err)
	var decl []struct{ Field, Expr string }
	require.NoError(t, yaml.Unmarshal(raw, &decl))
	env, err := NewEnv(Options{Tables: []string{"order_status", "warehouses", "skus"}})
	require.NoError(t, err)
	comprehensions := 0
	for _, d := range decl {
		checked, types := planned(t, env, d.Expr)
		forComprehensions(checked.NativeRep(), func(e ast.Expr, _ ast.ComprehensionExpr) {
			comprehensions++
			assert.Contains(t, []string{"*expr.fastFold", "*expr.fastBind"}, types[e.ID()],
				"field %s: comprehension %d is planned by cel-go, not by a fast path: did a cel-go upgrade change its macro expansion or its planner?", d.Field, e.ID())
		})
	}
	assert.Greater(t, comprehensions, 20, "the order mapping's comprehensions")
}
