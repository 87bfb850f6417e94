package sqltext_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
)

func TestParams_finds_named_parameters(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string
	}{
		{"none", "SELECT 1", nil},
		{"in order without repeats", "SELECT * FROM t WHERE a = @a AND b >= @b OR a = @a", []string{"a", "b"}},
		{"not in string literals", "SELECT '@nope', 'it''s @nope' WHERE x = @yes", []string{"yes"}},
		{"not in quoted identifiers", `SELECT "@nope", [@nope]] x] FROM t WHERE c = @c`, []string{"c"}},
		{"not in comments", "SELECT 1 -- @nope\n/* @nope */ WHERE k = @k", []string{"k"}},
		{"not system variables", "SELECT @@ROWCOUNT, @p_1", []string{"p_1"}},
		{"unterminated literal", "SELECT 'abc @x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sqltext.Params(tt.sql))
		})
	}
}

func TestValidIdent_accepts_only_plain_names(t *testing.T) {
	for s, want := range map[string]bool{
		"AmazonOrderId": true, "_x1": true, "tsoSalesOrder_ext": true,
		"": false, "1abc": false, "a b": false, "a]b": false, `a"b`: false, "a;drop": false, "é": false,
	} {
		assert.Equal(t, want, sqltext.ValidIdent(s), s)
	}
}

func TestPositional_finds_question_marks_outside_literals(t *testing.T) {
	assert.True(t, sqltext.Positional("SELECT * FROM t WHERE a = ?"))
	assert.False(t, sqltext.Positional("SELECT '?' -- ?\nFROM t WHERE a = @a"))
}
