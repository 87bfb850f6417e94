package console

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The templates are parsed when the console first renders a page, not
// when it starts: a template mistake must still fail a test, not a page.
func TestPages_every_page_template_parses(t *testing.T) {
	byName, err := parsePages()
	require.NoError(t, err)
	for _, name := range pageNames {
		require.NotNil(t, byName[name], name)
	}
}
