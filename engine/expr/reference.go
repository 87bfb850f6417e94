package expr

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
)

// referenceIntro opens docs/cel.md.
const referenceIntro = `# CEL reference

<!-- Generated from the declarations in engine/expr; do not edit.
     Regenerate: UPDATE_GOLDEN=1 go test ./engine/expr -run TestReference -->

Pipeline expressions are [CEL](https://cel.dev/), with the standard library and the
functions below. Every expression is compiled and type-checked when a directory is
validated; a mistake is reported at its line and column. Every example on this page is
executed by the tests: ` + "`expression // result`" + `, where the result is a value,
an error the expression raises, or a compile error.

## Variables

| variable | type | meaning |
|---|---|---|
%s| *name* | ` + "`dyn`" + ` | each lookup result, by the ` + "`as`" + ` name of its step |

## Values

Message values map to CEL as JSON does, with two additions: a ` + "`decimal.Decimal`" + `
(an exact JSON number, an SQL ` + "`decimal`" + ` column) is a CEL ` + "`decimal`" + `, and a
` + "`time.Time`" + ` is a ` + "`timestamp`" + `. A result converts back: maps need string
keys, ` + "`uint`" + ` becomes ` + "`int`" + `, an optional becomes its value or null;
a ` + "`duration`" + ` or ` + "`bytes`" + ` result is an error (convert it with ` + "`string()`" + `).
A comprehension over a message object (` + "`msg.attrs.map(k, k)`" + `, ` + "`transformMap`" + `,
` + "`exists`" + ` ...) visits its keys in sorted order, so its result is the same every time.

Evaluation stops with an error, which sends the message to the dead-letter stream, on a
missing key or table row, a failed conversion, division by zero or decimal overflow.

**Cost limit.** An evaluation may cost at most %d units by default (about one per
operation and list element visited, a tenth per string character). Every expression's
worst case is estimated when it is compiled, assuming lists and maps of at most %d
entries and strings of at most %d characters in the input (and the results of ` + "`-`" + `, ` + "`*`" + `, ` + "`/`" + `
and ` + "`%%`" + ` to be numbers, whatever their operands: ` + "`a - b + c`" + ` over let values adds numbers,
it does not join lists or text); an expression whose estimate
stays within the limit (typically every expression that does not loop over one input list inside
another) runs without counting, which makes it two to three times faster, and a bigger
message makes it cost proportionally more. The others count their cost as they run and
stop at the limit.

Also available: optional values (` + "`msg.?a.?b.orValue(\"\")`" + `), cel-go's list
extension (version %d: ` + "`lists.range`" + `, ` + "`slice`" + `, ` + "`flatten`" + `,
` + "`sort`" + `, ` + "`distinct`" + ` ...), two-variable comprehensions
(` + "`transformList`" + `, ` + "`transformMap`" + ` ...) and ` + "`cel.bind`" + `.
`

// Reference renders the documentation of the environment, docs/cel.md,
// from the library declarations.
func Reference() string {
	var vars strings.Builder
	for _, v := range builtinVars {
		fmt.Fprintf(&vars, "| `%s` | `%s` | %s |\n", v.name, typeName(v.typ), v.doc)
	}
	var b strings.Builder
	fmt.Fprintf(&b, referenceIntro, vars.String(), DefaultCostLimit, assumedEntries, assumedChars, listsExtVersion)
	for _, l := range libraries() {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\nLibrary `%s`, version %d.\n", l.title, l.intro, l.name, l.version)
		for _, f := range l.fns {
			fmt.Fprintf(&b, "\n### `%s`\n\n%s\n", displayName(f.name), f.doc)
			if len(f.overloads) > 0 {
				b.WriteString("\n```\n")
				for _, o := range f.overloads {
					fmt.Fprintf(&b, "%s\n", signature(f, o))
				}
				b.WriteString("```\n")
			}
			fmt.Fprintf(&b, "\n```cel\n%s\n```\n", strings.Join(f.examples, "\n"))
		}
	}
	return b.String()
}

// displayName is how an operator is written (`+`, `in`, `[]`).
func displayName(name string) string {
	switch name {
	case operators.Index:
		return "[]"
	case operators.OptIndex:
		return "[?]"
	case operators.Negate:
		return "-"
	}
	if sym, ok := operators.FindReverse(name); ok {
		return sym
	}
	return name
}

// signature renders an overload as it is written in an expression.
func signature(f fn, o overload) string {
	name := f.name
	a := make([]string, len(o.args))
	for i, t := range o.args {
		a[i] = typeName(t)
		if p := i - boolInt(o.member); p >= 0 && p < len(f.params) {
			a[i] = f.params[p] + " " + a[i]
		}
	}
	var call string
	switch {
	case name == operators.Index || name == operators.OptIndex:
		call = fmt.Sprintf("%s%s%s]", a[0], strings.TrimSuffix(displayName(name), "]"), a[1])
	case name == operators.Negate:
		call = "-" + a[0]
	case displayName(name) != name:
		call = a[0] + " " + displayName(name) + " " + a[1]
	case o.member:
		call = fmt.Sprintf("%s.%s(%s)", a[0], name, strings.Join(a[1:], ", "))
	default:
		call = fmt.Sprintf("%s(%s)", name, strings.Join(a, ", "))
	}
	return call + " -> " + typeName(o.result)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// typeName is a type as CEL expressions name it.
func typeName(t *cel.Type) string {
	if t.Kind() == types.TimestampKind {
		return "timestamp"
	}
	// A table's row type parameter reads as "row".
	return strings.ReplaceAll(t.String(), "<"+tableRow.TypeName()+">", "row")
}
