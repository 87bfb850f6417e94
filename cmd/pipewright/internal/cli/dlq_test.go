package cli_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

func TestDLQList_error_column_is_one_line_cut_on_a_character(t *testing.T) {
	assert.Equal(t, "sage: insert failed:  database is locked", cli.OneLine("sage: insert failed:\n database is locked", 100))
	long := cli.OneLine("Rücksendegebühr "+strings.Repeat("ü", 100), 100)
	assert.True(t, utf8.ValidString(long), "cut inside a character: %q", long)
	assert.Equal(t, 100, utf8.RuneCountInString(long))
	assert.True(t, strings.HasSuffix(long, "..."))
}
