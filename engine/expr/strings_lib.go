package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
)

// stringsExtVersion pins cel-go's string extension so that an upgrade of
// cel-go cannot change the meaning of existing expressions.
const stringsExtVersion = 4

// stringsLib holds the string helpers ERP fields need, beside cel-go's
// string extension. Widths count characters (Unicode code points), not bytes.
var stringsLib = &libSpec{
	name:  "pipewright.lib.strings",
	title: "Strings for ERP fields",
	intro: "cel-go's string extension (`ext.Strings`, version 4) is included: the functions marked " +
		"*cel-go* below come from it; see its documentation for the rest (`charAt`, `indexOf`, " +
		"`lastIndexOf`, `quote`, `reverse`). Widths count characters (Unicode code points), not bytes.",
	version: 1,
	options: func() []cel.EnvOption {
		return []cel.EnvOption{ext.Strings(ext.StringsVersion(stringsExtVersion))}
	},
	fns: []fn{
		{name: "trim", external: true, doc: "*cel-go.* Removes leading and trailing whitespace.",
			examples: []string{`"  AB-1 ".trim() // "AB-1"`}},
		{name: "lowerAscii", external: true, doc: "*cel-go.* Lower-cases ASCII letters only.",
			examples: []string{`"ABC-Ä".lowerAscii() // "abc-Ä"`}},
		{name: "upperAscii", external: true, doc: "*cel-go.* Upper-cases ASCII letters only.",
			examples: []string{`"wa".upperAscii() // "WA"`}},
		{name: "replace", external: true, doc: "*cel-go.* Replaces every occurrence, or the first `n`.",
			examples: []string{`"a-b-c".replace("-", "/") // "a/b/c"`, `"a-b-c".replace("-", "", 1) // "ab-c"`}},
		{name: "split", external: true, doc: "*cel-go.* Splits at a separator.",
			examples: []string{`"a,b".split(",") // ["a", "b"]`}},
		{name: "join", external: true, doc: "*cel-go.* Joins a list of strings, with an optional separator.",
			examples: []string{`["1 Main St", "Apt 2"].join(", ") // "1 Main St, Apt 2"`}},
		{name: "substring", external: true, doc: "*cel-go.* The characters from a start index up to an optional end index.",
			examples: []string{`"Müller".substring(1, 3) // "ül"`}},
		{name: "format", external: true, doc: "*cel-go.* printf-style formatting with `%s`, `%d`, `%f`, `%e`, `%b`, `%o`, `%x`, `%X`.",
			examples: []string{`"%s-%d".format(["SO", 42]) // "SO-42"`}},
		pad("padLeft", "Pads on the left to `width` characters with spaces or with the one-character `fill`. A longer string is returned unchanged (combine with `truncate`).",
			`"42".padLeft(6, "0") // "000042"`, `"42".padLeft(4) // "  42"`, `"123456".padLeft(4, "0") // "123456"`),
		pad("padRight", "Pads on the right to `width` characters with spaces or with the one-character `fill`. A longer string is returned unchanged.",
			`"AB".padRight(5, ".") // "AB..."`, `"Zoë".padRight(4) // "Zoë "`, `"x".padRight(3, "ab") // error: fill must be one character`),
		{
			name:   "truncate",
			params: []string{"width"},
			doc:    "Keeps the first `width` characters.",
			examples: []string{
				`"Stainless Steel Water Bottle".truncate(15) // "Stainless Steel"`,
				`"Straße".truncate(5) // "Straß"`,
				`"short".truncate(30) // "short"`,
			},
			overloads: []overload{{id: "string_truncate_int", member: true, args: args(cel.StringType, cel.IntType), result: cel.StringType, cost: &scanCost,
				binary: func(s, w ref.Val) ref.Val {
					width, errVal := widthArg(w)
					if errVal != nil {
						return errVal
					}
					return types.String(truncateRunes(string(s.(types.String)), width))
				}}},
		},
		wrapFn("wrap", false, "Breaks text into at most `lines` lines of at most `width` characters, at spaces "+
			"(runs of whitespace count as one space; a word longer than `width` is broken hard), for address "+
			"lines such as AddrLine1..5. Text that does not fit is an **error naming the text**: silently cutting "+
			"an address is wrong. The list is shorter when the text needs fewer lines: pick lines with "+
			"`lines[?2].orValue(\"\")`.",
			`"1200 Industrial Parkway Building 7 Loading Dock B".wrap(20, 3) // ["1200 Industrial", "Parkway Building 7", "Loading Dock B"]`,
			`"Apt 5".wrap(20, 3) // ["Apt 5"]`,
			`"Donaudampfschifffahrtsgesellschaft".wrap(10, 4) // ["Donaudampf", "schifffahr", "tsgesellsc", "haft"]`,
			`"one two three".wrap(5, 2) // error: does not fit in 2 lines of 5 characters`),
		wrapFn("wrapTruncate", true, "Like `wrap`, but drops the text that does not fit in `lines` lines "+
			"instead of failing: for free-text fields (notes, gift messages) where losing the tail is acceptable.",
			`"one two three".wrapTruncate(5, 2) // ["one", "two"]`),
		{
			name:     "squish",
			doc:      "Trims the string and collapses every run of whitespace (spaces, tabs, newlines) inside it to one space.",
			examples: []string{`"  12   Main\tSt \n".squish() // "12 Main St"`},
			overloads: []overload{{id: "string_squish", member: true, args: args(cel.StringType), result: cel.StringType, cost: &scanCost,
				unary: func(s ref.Val) ref.Val {
					return types.String(strings.Join(strings.Fields(string(s.(types.String))), " "))
				}}},
		},
		{
			name: "ascii",
			doc: "Transliterates to ASCII for columns that require it: accents are removed, letters such as " +
				"ß, æ, ø, ł, þ are spelled out, typographic quotes, dashes and spaces become their ASCII forms, " +
				"and anything else that is not ASCII is dropped.",
			examples: []string{
				`"Müller Straße".ascii() // "Muller Strasse"`,
				`"Łódź, Ærøskøbing".ascii() // "Lodz, AEroskobing"`,
				`"O’Brien – “Suite” 5".ascii() // "O'Brien - \"Suite\" 5"`,
				`"東京 Tokyo".ascii() // " Tokyo"`,
			},
			overloads: []overload{{id: "string_ascii", member: true, args: args(cel.StringType), result: cel.StringType, cost: &scanCost,
				unary: func(s ref.Val) ref.Val {
					if str := string(s.(types.String)); !isASCII(str) {
						return types.String(toASCII(str))
					}
					return s
				}}},
		},
	},
}

func pad(name, doc string, examples ...string) fn {
	left := name == "padLeft"
	impl := func(a ...ref.Val) ref.Val {
		width, errVal := widthArg(a[1])
		if errVal != nil {
			return errVal
		}
		fill := " "
		if len(a) == 3 {
			fill = string(a[2].(types.String))
			if utf8.RuneCountInString(fill) != 1 {
				return types.NewErr("%s: fill must be one character, got %q", name, fill)
			}
		}
		s := string(a[0].(types.String))
		n := width - utf8.RuneCountInString(s)
		if n <= 0 {
			return a[0]
		}
		if left {
			return types.String(strings.Repeat(fill, n) + s)
		}
		return types.String(s + strings.Repeat(fill, n))
	}
	return fn{name: name, doc: doc, examples: examples, params: []string{"width", "fill"}, overloads: []overload{
		{id: "string_" + name + "_int", member: true, args: args(cel.StringType, cel.IntType), result: cel.StringType, varfn: impl, cost: &padCost},
		{id: "string_" + name + "_int_string", member: true, args: args(cel.StringType, cel.IntType, cel.StringType), result: cel.StringType, varfn: impl, cost: &padCost},
	}}
}

func wrapFn(name string, clip bool, doc string, examples ...string) fn {
	return fn{name: name, doc: doc, examples: examples, params: []string{"width", "lines"}, overloads: []overload{
		{id: "string_" + name + "_int_int", member: true, args: args(cel.StringType, cel.IntType, cel.IntType), result: cel.ListType(cel.StringType), cost: &scanCost,
			varfn: func(a ...ref.Val) ref.Val {
				width, errVal := widthArg(a[1])
				if errVal != nil {
					return errVal
				}
				lines, errVal := widthArg(a[2])
				if errVal != nil {
					return errVal
				}
				out, err := wrap(string(a[0].(types.String)), width, lines, clip)
				if err != nil {
					return types.WrapErr(err)
				}
				return types.NewStringList(types.DefaultTypeAdapter, out)
			}},
	}}
}

// maxWidth bounds widths and line counts given to the string helpers: ERP
// columns are far narrower, and the bound keeps padLeft's output small.
const maxWidth = 10_000

// widthArg validates a width or line count.
func widthArg(v ref.Val) (int, ref.Val) {
	w := int64(v.(types.Int))
	if w < 1 || w > maxWidth {
		return 0, types.NewErr("width must be between 1 and %d, got %d", maxWidth, w)
	}
	return int(w), nil
}

// truncateRunes returns the first width characters of s.
func truncateRunes(s string, width int) string {
	n := 0
	for i := range s {
		if n == width {
			return s[:i]
		}
		n++
	}
	return s
}
