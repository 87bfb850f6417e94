package console_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A connection's warnings (here, the kind an spapi connection gives when
// its LWA client secret is old or about to expire) show on the overview,
// beside the connection, secrets redacted.
func TestBrowser_overview_shows_a_connection_warning(t *testing.T) {
	b := newBrowser(t)
	s := newShop(t, map[string]string{"TOKEN": "t0ken-in-a-warning"})
	s.erp.warnings = []string{
		"The LWA client secret is 152 days old and due for rotation (every 150 days; Amazon expires secrets after 180 days).",
		"The last client-secret rotation failed: no new secret arrived on the rotation queue within 10m0s (token t0ken-in-a-warning)",
	}
	s.start()
	b.open(s.url("/console/"))
	b.waitText(`#connections tr[data-connection="erp"]`, "152 days old and due for rotation")
	b.shot("connection-warning")
	row := b.text(`#connections tr[data-connection="erp"]`)
	assert.Contains(t, row, "The last client-secret rotation failed")
	assert.Contains(t, row, "[redacted]")
	assert.NotContains(t, row, "t0ken-in-a-warning")
}
