package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

// TestSchemas_accept_every_option_literal_or_interpolated writes
// testdata/options.txtar, a directory using every dead-letter, secrets,
// Sage query lookback and change-tracking and file record-limit option,
// some literal, some interpolated: validate and the independent validator
// accept it. A literal mistake in each option is rejected by both.
func TestSchemas_accept_every_option_literal_or_interpolated(t *testing.T) {
	v := newIndependentValidator(t)
	ar, err := txtar.ParseFile("testdata/options.txtar")
	require.NoError(t, err)
	write := func(t *testing.T, file, old, repl string) string {
		dir := t.TempDir()
		for _, f := range ar.Files {
			data := string(f.Data)
			if f.Name == file {
				require.Equal(t, 1, strings.Count(data, old), "%q must occur once in %s", old, file)
				data = strings.Replace(data, old, repl, 1)
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), []byte(data), 0o644))
		}
		return dir
	}
	dir := write(t, "", "", "")
	got, code := validateIn(t, dir, "")
	require.Equal(t, cli.ExitOK, code, got)
	require.Empty(t, v.check(t, dir))

	for _, tc := range []struct{ name, file, old, repl string }{
		{"a secret's name is not a variable name", "pipewright.yaml", "[PARTNER_KEY]", "[partner-key]"},
		{"a retention is not a duration", "pipewright.yaml", "personal_data: 168h", "personal_data: 7 days"},
		{"a replay rate of zero", "files.yaml", "replay_rate: 2.5", "replay_rate: 0"},
		{"auto_resolve is not a boolean", "files.yaml", "auto_resolve: false", "auto_resolve: never"},
		{"a personal data path is not a pointer", "files.yaml", "[/buyer/name]", "[buyer.name]"},
		{"an unknown dead-letter option", "files.yaml", "mask_personal_data: true", "mask_personal: true"},
		{"a record limit under the minimum", "files.yaml", `"${env:MAX_RECORD_BYTES:-1048576}"`, "10"},
		{"a lookback that is an object", "lookback.yaml", "${env:SHIPMENTS_LOOKBACK:-15m}", "{ minutes: 15 }"},
		{"a change-tracking table that is no identifier", "tracking.yaml", "${env:SHIPMENTS_TABLE:-tsoShipment}", `"tso Shipment"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, tc.file, tc.old, tc.repl)
			got, code := validateIn(t, dir, "")
			assert.Equal(t, cli.ExitFailure, code)
			assert.Contains(t, got, tc.file+":")
			assert.NotEmpty(t, v.check(t, dir))
		})
	}
}
