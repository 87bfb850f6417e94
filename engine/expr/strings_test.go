package expr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/expr"
)

func TestWrap_breaks_text_into_lines(t *testing.T) {
	env := newEnv(t)
	tests := []struct {
		name, text   string
		width, lines int
		want         []any
	}{
		{"fits on one line", "1 Main St", 20, 3, []any{"1 Main St"}},
		{"exactly the width", "12345 7890", 10, 1, []any{"12345 7890"}},
		{"one over the width", "12345 78901", 10, 2, []any{"12345", "78901"}},
		{"exactly the line count", "aaaa bbbb cccc", 4, 3, []any{"aaaa", "bbbb", "cccc"}},
		{"long word broken hard", "Donaudampfschiff", 6, 3, []any{"Donaud", "ampfsc", "hiff"}},
		{"long word after a short one", "Apt Donaudampfschiff", 6, 4, []any{"Apt", "Donaud", "ampfsc", "hiff"}},
		{"long word exactly twice the width", "abcdefgh x", 4, 3, []any{"abcd", "efgh", "x"}},
		{"widths count characters", "Müllerstraße Ölweg", 12, 2, []any{"Müllerstraße", "Ölweg"}},
		{"whitespace runs collapse", "  1\t Main \n St  ", 20, 1, []any{"1 Main St"}},
		{"empty text", "   ", 10, 1, []any{}},
		{"width one", "ab c", 1, 3, []any{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			act := expr.NewActivation(expr.Data{Msg: map[string]any{"t": tt.text, "w": int64(tt.width), "n": int64(tt.lines)}})
			assert.Equal(t, tt.want, eval(t, env, act, `msg.t.wrap(msg.w, msg.n)`))
			assert.Equal(t, tt.want, eval(t, env, act, `msg.t.wrapTruncate(msg.w, msg.n)`))
		})
	}
}

func TestWrap_fails_on_text_that_does_not_fit(t *testing.T) {
	env := newEnv(t)
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"t": "1200 Industrial Parkway Building 7"}})
	assert.Equal(t, `wrap: "1200 Industrial Parkway Building 7" does not fit in 2 lines of 12 characters (it needs 4)`,
		evalErr(t, env, act, `msg.t.wrap(12, 2)`))
	assert.Equal(t, []any{"1200", "Industrial"}, eval(t, env, act, `msg.t.wrapTruncate(12, 2)`))
	assert.Contains(t, evalErr(t, env, act, `msg.t.wrap(0, 2)`), "width must be between 1 and")
	assert.Contains(t, evalErr(t, env, act, `msg.t.wrap(10, 0)`), "width must be between 1 and")
}

func TestStringHelpers_respect_widths_in_characters(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	tests := []struct{ src, want string }{
		{`"Zoë".padLeft(3, "*")`, "Zoë"},
		{`"Zoë".padLeft(4, "*")`, "*Zoë"},
		{`"7".padLeft(3, "ß")`, "ßß7"},
		{`"Zoë".padRight(5)`, "Zoë  "},
		{`"Zoë".truncate(3)`, "Zoë"},
		{`"Zoë".truncate(2)`, "Zo"},
		{`"日本語テキスト".truncate(3)`, "日本語"},
		{`"".truncate(3)`, ""},
		{`" a \t b\n".squish()`, "a b"},
		{`"".squish()`, ""},
		{`"Ærøskøbing Œuvre ﬁne ½".ascii()`, "AEroskobing OEuvre fine 1/2"},
		{`"Crème brûlée, São Paulo, İstanbul, Ğ".ascii()`, "Creme brulee, Sao Paulo, Istanbul, G"},
		{`"plain ASCII ~!".ascii()`, "plain ASCII ~!"},
		{`"€ 5 – ok".ascii()`, " 5 - ok"},
		{`"  main st ".trim().upperAscii()`, "MAIN ST"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, eval(t, env, act, tt.src))
		})
	}
	assert.Contains(t, evalErr(t, env, act, `"x".padLeft(3, "")`), "fill must be one character")
	assert.Contains(t, evalErr(t, env, act, `"x".truncate(0)`), "width must be between 1 and")
}
