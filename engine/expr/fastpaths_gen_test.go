package expr_test

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// caseGen builds an expression and a message from fuzz bytes: each choice
// reads one byte (0 once they run out), so every input is a valid case and
// the fuzzer's mutations move between nearby ones. The expressions are the
// shapes the fast paths plan (field paths, map, filter, transformList, sum,
// cel.bind, money() bodies) with parts drawn from a small grammar, over
// lists that may hold anything; the messages hold the fields those parts
// read, with values of every type, missing or malformed.
type caseGen struct {
	data []byte
	pos  int
}

func (g *caseGen) pick(n int) int {
	if g.pos >= len(g.data) {
		return 0
	}
	b := g.data[g.pos]
	g.pos++
	return int(b) % n
}

func (g *caseGen) oneOf(opts ...string) string { return opts[g.pick(len(opts))] }

// fields are the element fields bodies read.
var fields = []string{"sku", "q", "p", "d", "deep", "flag"}

func (g *caseGen) field() string { return fields[g.pick(len(fields))] }

// expr generates a top-level expression.
func (g *caseGen) expr(depth int) string {
	switch g.pick(10) {
	case 0:
		return g.path()
	case 1:
		return fmt.Sprintf("%s.map(i, %s)", g.list(depth), g.body("i", depth))
	case 2:
		return fmt.Sprintf("%s.map(i, %s, %s)", g.list(depth), g.cond("i"), g.body("i", depth))
	case 3:
		return fmt.Sprintf("%s.filter(i, %s)", g.list(depth), g.cond("i"))
	case 4:
		return fmt.Sprintf("%s.sum(i, %s)", g.list(depth), g.sumBody("i"))
	case 5:
		return fmt.Sprintf("sum(%s.map(i, %s))", g.list(depth), g.sumBody("i"))
	case 6:
		return fmt.Sprintf("%s.transformList(n, i, %s)", g.list(depth), g.oneOf("n", "i", "n + i.q", "i.q * n", "[n, "+g.body("i", depth)+"]"))
	case 7:
		return fmt.Sprintf("cel.bind(x, %s, %s)", g.expr(depth+1), g.oneOf("x", "5", "x.size() + x.size()", "[x, x]", "x == x"))
	case 8:
		return g.wrap(g.expr(depth + 1))
	}
	return fmt.Sprintf("%s.exists(i, %s)", g.list(depth), g.cond("i"))
}

// wrap applies an operation to an expression's value.
func (g *caseGen) wrap(e string) string {
	return g.oneOf(e+".size()", e+` == decimal("1.60")`, e+`[?1].orValue("none")`, e+"[0]", e+" == "+e, "string("+e+")", e+` + decimal("0.01")`, "2 * "+e)
}

// path is a field path on msg or the lookup variable.
func (g *caseGen) path() string {
	root := g.oneOf("msg", "cust", "vars.cust", "msg.items[0]")
	n := 1 + g.pick(3)
	parts := []string{root}
	for range n {
		parts = append(parts, g.oneOf("items", "name", "deep", "x", "y", "missing", "p", "q"))
	}
	return strings.Join(parts, ".")
}

// list is a comprehension's range.
func (g *caseGen) list(depth int) string {
	if depth < 2 && g.pick(6) == 0 {
		return "(" + g.expr(depth+1) + ")"
	}
	return g.oneOf("msg.items", "msg.items", "msg.items", "cust.items", "msg.name", "msg.deep", "msg.missing", "[1, 2, 3]", `{"a": 1}`, "[]", "msg.items.filter(j, j.q > 0)")
}

// body is a map body over the element v.
func (g *caseGen) body(v string, depth int) string {
	f := g.field()
	switch g.pick(13) {
	case 0:
		return v
	case 1:
		return v + "." + f
	case 2:
		return v + "." + f + ".x"
	case 3:
		return "money(" + v + "." + f + ")"
	case 4:
		return "money(" + v + "." + f + ") * " + v + ".q"
	case 5:
		return g.sumBody(v)
	case 6:
		return v + ".q * 2"
	case 7:
		return `{"k": ` + v + "." + f + `, "m": money(` + v + `.p)}`
	case 8:
		return "string(" + v + "." + f + ")"
	case 9:
		return v + "." + f + ` + "x"`
	case 10:
		if depth < 2 {
			return fmt.Sprintf("msg.items.map(j, %s).size()", g.body("j", depth+1))
		}
	case 11:
		return `{"u": (money(` + v + `.p) / ` + v + "." + f + `).round(2), "t": money(` + v + `.p) - money(` + v + `.` + g.oneOf("d", "q") + `) * ` + v + `.q}`
	}
	return g.cond(v)
}

// sumBody is a sum body over v: decimals joined by + and -, or an int.
func (g *caseGen) sumBody(v string) string {
	terms := []string{"money(" + v + "." + g.oneOf("p", "d", "q", "sku") + ")"}
	for range g.pick(3) {
		terms = append(terms, g.oneOf("+", "-"), "money("+v+"."+g.oneOf("p", "d")+")")
	}
	switch g.pick(4) {
	case 0:
		return v + ".q"
	case 1:
		return "decimal(" + v + ".q)"
	}
	return strings.Join(terms, " ")
}

// cond is a filter or map condition over v.
func (g *caseGen) cond(v string) string {
	return g.oneOf(v+".q > 1", v+".q", "has("+v+".sku)", v+`.sku == "a"`, v+".flag", "money("+v+`.p) > decimal("1")`, v+".q == 1", "!"+v+".flag")
}

// message builds a body with items and the fields paths read.
func (g *caseGen) message() map[string]any {
	items := make([]any, g.pick(5))
	for i := range items {
		items[i] = g.item()
	}
	m := map[string]any{"items": items}
	for _, k := range []string{"name", "deep", "x", "p", "q"} {
		if g.pick(4) != 0 {
			m[k] = g.value(1)
		}
	}
	if g.pick(3) == 0 {
		m["items"] = g.value(1)
	}
	return m
}

func (g *caseGen) item() any {
	if g.pick(8) == 0 {
		return g.value(1)
	}
	it := map[string]any{}
	for _, f := range fields {
		if g.pick(5) != 0 {
			it[f] = g.value(0)
		}
	}
	return it
}

// value is any message value, favouring what bodies expect.
func (g *caseGen) value(depth int) any {
	switch g.pick(16) {
	case 0:
		return nil
	case 1:
		return g.pick(2) == 1
	case 2, 3:
		return int64(g.pick(4))
	case 4:
		return int64(math.MaxInt64 - g.pick(2))
	case 5:
		return g.oneOf("a", "b", "", "1.50", "x")
	case 6:
		return float64(g.pick(3)) + 0.5
	case 7:
		return decimal.MustNew(int64(g.pick(300)), 2)
	case 8, 9, 10:
		return map[string]any{"Amount": g.oneOf("1.50", "0.10", "0.00", "-2", "x", "9999999999999999999"), "CurrencyCode": "USD"}
	case 11:
		return map[string]any{"amount": "2.5", "currencyCode": "EUR", "extra": true}
	case 12:
		return time.Date(2026, 1, 1+g.pick(3), 0, 0, 0, 0, time.UTC)
	case 13:
		if depth < 2 {
			return []any{g.value(depth + 1), g.value(depth + 1)}
		}
	case 14:
		if depth < 2 {
			return map[string]any{"x": g.value(depth + 1), "y": g.value(depth + 1)}
		}
	}
	return "flat"
}
