package cli_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// carriersTable is the reference client's carrier table (shipments flow).
const carriersTable = "../../../../pipelines/sage500-amazon/tables/carriers.csv"

// carrier is one row of the carrier table.
type carrier struct {
	line                       int
	code, name, shippingMethod string
}

// readCarriers reads the carrier table as the engine reads CSV tables
// (comment lines, header row, trimmed key in the first column), by ship
// method.
func readCarriers(t *testing.T) map[string]carrier {
	t.Helper()
	fh, err := os.Open(carriersTable)
	require.NoError(t, err)
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	require.NoError(t, err)
	require.Equal(t, []string{"ship_meth_id", "carrier_code", "carrier_name", "shipping_method"}, header,
		"the shipments mapping reads these columns")
	rows := map[string]carrier{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		line, _ := r.FieldPos(0)
		rows[strings.TrimSpace(rec[0])] = carrier{line: line, code: rec[1], name: rec[2], shippingMethod: rec[3]}
	}
	require.NotEmpty(t, rows)
	return rows
}

func TestReferenceCarriers_rows_are_accepted_by_amazon(t *testing.T) {
	known := map[string]bool{}
	for _, c := range models.CarrierCodes() {
		known[c] = true
	}
	require.True(t, known["Other"], "Amazon's list has Other")
	for method, row := range readCarriers(t) {
		t.Run(method, func(t *testing.T) {
			assert.True(t, known[row.code], "line %d: carrier code %q is not one of Amazon's (connectors/spapi/models/carrier-codes.txt); use Other with a carrier name", row.line, row.code)
			assert.NotEmpty(t, row.name, "line %d: no carrier name (Amazon needs one with carrier code Other, the canonical shipment always)", row.line)
			assert.NotEmpty(t, row.shippingMethod, "line %d: no shipping method", row.line)
		})
	}
}

// demoColumn returns one column of a query on a new demo database.
func demoColumn(t *testing.T, query string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sage500-demo.db")
	require.NoError(t, sage500demo.CreateDB(context.Background(), path))
	db, err := sage500demo.OpenDB(path)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(query)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestReferenceCarriers_cover_every_demo_ship_method(t *testing.T) {
	methods := demoColumn(t, "SELECT ShipMethID FROM tciShipMethod ORDER BY ShipMethID")
	require.NotEmpty(t, methods, "the demo database has ship methods")

	table := readCarriers(t)
	for _, m := range methods {
		if slices.Contains(sage500demo.MCFShipMethods, m) {
			continue // Amazon ships those orders (mcf-orders): never confirmed
		}
		_, listed := table[m]
		assert.True(t, listed, "demo ship method %q is not in %s: its packages would be confirmed as Other", m, carriersTable)
	}
}
