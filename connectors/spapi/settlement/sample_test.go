package settlement_test

import (
	"bytes"
	"compress/gzip"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
)

var update = flag.Bool("update", os.Getenv("UPDATE_GOLDEN") == "1", "rewrite the golden files")

func read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func TestParse_real_samples_reconcile_exactly(t *testing.T) {
	tests := []struct {
		file, id, total string
		rows            int
	}{
		{"ca-flatfile-v1-50041020342.txt", "24391894961", "2539.66", 489},
		{"ca-flatfile-v1-50051020370.txt", "24596907561", "3894.24", 685},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, err := settlement.Parse(bytes.NewReader(read(t, tt.file)))
			require.NoError(t, err)
			require.NoError(t, s.Err())
			assert.Equal(t, tt.id, s.ID)
			assert.Equal(t, settlement.LayoutFlatFile, s.Layout)
			assert.Equal(t, "CAD", s.Currency)
			assert.Equal(t, decimal.MustParse(tt.total), s.TotalAmount)
			assert.Equal(t, decimal.MustParse(tt.total), s.RowsSum)
			assert.True(t, s.Reconciled)
			assert.Len(t, s.Rows, tt.rows)
			assert.Empty(t, s.Problems)
			assert.Equal(t, time.Date(2025, time.August, 28, 22, 7, 19, 0, time.UTC).Year(), s.StartDate.Year())
		})
	}
}

func TestParse_flat_file_rows_are_typed(t *testing.T) {
	s, err := settlement.Parse(bytes.NewReader(read(t, "ca-flatfile-v1-50041020342.txt")))
	require.NoError(t, err)
	first := s.Rows[0]
	assert.Equal(t, 3, first.Line)
	assert.Equal(t, "Order", first.TransactionType)
	assert.Equal(t, "702-8856509-3250656", first.OrderID)
	assert.Equal(t, "SALTT30-BLUE", first.SKU)
	require.NotNil(t, first.QuantityPurchased)
	assert.EqualValues(t, 1, *first.QuantityPurchased)
	assert.Empty(t, first.Amounts, "the quantity row carries no amount")
	assert.Equal(t, time.Date(2025, 8, 30, 15, 11, 22, 0, time.UTC), first.PostedDate)
	assert.Equal(t, []settlement.Amount{{Type: "ItemPrice", Description: "Principal", Amount: decimal.MustParse("60.00"), Column: "price-amount"}}, s.Rows[1].Amounts)
}

// The JSON the CLI prints for each sample is kept as a golden file.
func TestInspect_golden(t *testing.T) {
	for _, name := range []string{"ca-flatfile-v1-50041020342.txt", "v2-us.txt", "v2-de-cp1252.txt"} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			code := settlement.Inspect(bytes.NewReader(read(t, name)), &out)
			assert.Equal(t, 0, code)
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".txt")+".json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with UPDATE_GOLDEN=1 to create it")
			assert.Equal(t, string(want), out.String())
		})
	}
}

func TestInspect_exit_code_1_when_the_report_does_not_reconcile(t *testing.T) {
	data := strings.Replace(string(read(t, "v2-us.txt")), "\t29.97\t", "\t29.98\t", 1)
	var out bytes.Buffer
	assert.Equal(t, 1, settlement.Inspect(strings.NewReader(data), &out))
	assert.Contains(t, out.String(), `"reconciled": false`)
	assert.Contains(t, out.String(), `"rows_sum": 29.97`)
	assert.Contains(t, out.String(), `"line": 2`)
}

func TestParse_reads_gzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(read(t, "v2-us.txt"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	s, err := settlement.Parse(&buf)
	require.NoError(t, err)
	assert.NoError(t, s.Err())
	assert.Equal(t, "11223344556", s.ID)
}
