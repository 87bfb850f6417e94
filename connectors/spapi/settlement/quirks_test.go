package settlement_test

import (
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
)

func TestParse_v2_layout(t *testing.T) {
	s, err := settlement.ParseBytes(read(t, "v2-us.txt"), "text/plain")
	require.NoError(t, err)
	require.NoError(t, s.Err())
	assert.Equal(t, settlement.LayoutV2, s.Layout)
	assert.Equal(t, "USD", s.Currency)
	assert.Equal(t, time.Date(2017, 1, 17, 7, 59, 59, 0, time.UTC), s.EndDate)
	assert.Equal(t, decimal.MustParse("29.97"), s.RowsSum)
	require.Len(t, s.Rows, 15)
	r := s.Rows[0]
	assert.Equal(t, 3, r.Line)
	assert.Equal(t, time.Date(2017, 1, 5, 10, 11, 12, 0, time.UTC), r.PostedDate, "posted-date-time wins over posted-date")
	assert.Equal(t, []settlement.Amount{{Type: "ItemPrice", Description: "Principal", Amount: decimal.MustParse("24.99"), Column: "amount"}}, r.Amounts)
	assert.Equal(t, "Order_Retrocharge", s.Rows[14].TransactionType)
}

func TestParse_de_dates_decimal_commas_cp1252_and_trailing_blanks(t *testing.T) {
	s, err := settlement.ParseBytes(read(t, "v2-de-cp1252.txt"), "text/plain;charset=Cp1252")
	require.NoError(t, err)
	require.NoError(t, s.Err())
	assert.Equal(t, "EUR", s.Currency)
	assert.Equal(t, "29,97", s.TotalText)
	assert.Equal(t, decimal.MustParse("29.97"), s.TotalAmount)
	assert.Equal(t, time.Date(2017, 1, 3, 7, 59, 59, 0, time.UTC), s.StartDate)
	assert.Equal(t, "SKU-Müller", s.Rows[1].SKU, "converted from Cp1252, trailing blanks trimmed")
	assert.Equal(t, "Shipping", s.Rows[4].Amounts[0].Description, "trailing blank trimmed")
	assert.Equal(t, decimal.MustParse("-4.99"), s.Rows[4].Amounts[0].Amount)

	// Without the charset the bytes are detected as not UTF-8.
	s2, err := settlement.ParseBytes(read(t, "v2-de-cp1252.txt"), "")
	require.NoError(t, err)
	assert.Equal(t, "SKU-Müller", s2.Rows[1].SKU)
}

func TestParse_problems_name_their_line(t *testing.T) {
	us := string(read(t, "v2-us.txt"))
	tests := []struct {
		name    string
		doc     string
		line    int
		column  string
		message string
		warning bool
	}{
		{"extra unknown column", addColumn(us, "fee-reason", "x"), 1, "fee-reason", "unknown column", true},
		{"missing required column", dropColumn(us, "amount-description"), 1, "amount-description", "required column is missing", false},
		{"bad number", strings.Replace(us, "\t4.99\t", "\t4.9x\t", 1), 4, "amount", `"4.9x" is not a number`, false},
		{"comma in a point report", strings.Replace(us, "\t4.99\t", "\t4,99\t", 1), 4, "amount", "decimal separator", false},
		{"total mismatch", strings.Replace(us, "\t-6.50\t", "\t-6.51\t", 1), 2, "total-amount", "the rows sum to 29.96 but total-amount is 29.97", false},
		{"bad date", strings.Replace(us, "2017-01-05 10:11:12 UTC", "2017-13-05 10:11:12 UTC", 1), 3, "posted-date-time", "is not a date", false},
		{"bad quantity", strings.Replace(us, "SKU-2\t2\t", "SKU-2\ttwo\t", 1), 9, "quantity-purchased", `"two" is not a whole number`, false},
		{"other settlement id", replaceLine(us, 5, "11223344556", "99999999999"), 5, "settlement-id", "differs from the summary", false},
		{"summary row missing", deleteLine(us, 2), 2, "total-amount", "not the settlement summary", false},
		{"value beyond the header", replaceLine(us, 6, "\tSKU-1\t\t", "\tSKU-1\t\t\tstray"), 6, "", `"stray" in column 25`, false},
		{"non-UTC zone", strings.Replace(us, "2017-01-17 07:59:59 UTC", "2017-01-17 07:59:59 PST", 1), 2, "settlement-end-date", "time zone PST", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := settlement.Parse(strings.NewReader(tt.doc))
			require.NoError(t, err)
			require.NotEmpty(t, s.Problems)
			var found *settlement.Problem
			for i, p := range s.Problems {
				if strings.Contains(p.Message, tt.message) {
					found = &s.Problems[i]
				}
			}
			require.NotNil(t, found, "problems: %v", s.Problems)
			assert.Equal(t, tt.line, found.Line)
			assert.Equal(t, tt.column, found.Column)
			assert.Equal(t, tt.warning, found.Warning)
			if tt.warning {
				assert.NoError(t, s.Err())
				assert.True(t, s.Reconciled)
			} else {
				require.Error(t, s.Err())
				assert.Contains(t, s.Err().Error(), found.String())
			}
		})
	}
}

func TestParse_tolerates_missing_trailing_columns(t *testing.T) {
	s, err := settlement.Parse(strings.NewReader(dropColumn(string(read(t, "v2-us.txt")), "promotion-id")))
	require.NoError(t, err)
	assert.NoError(t, s.Err())
}

func TestParse_unreadable_input(t *testing.T) {
	for _, doc := range []string{"", "\n\n", "settlement-id\ttotal-amount\n"} {
		s, err := settlement.Parse(strings.NewReader(doc))
		require.NoError(t, err)
		assert.Error(t, s.Err())
	}
}

// addColumn appends a column with the same value on every row.
func addColumn(doc, name, value string) string {
	lines := strings.Split(strings.TrimSuffix(doc, "\n"), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] += "\t" + name
		} else {
			lines[i] += "\t" + value
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// dropColumn removes a column from every row.
func dropColumn(doc, name string) string {
	lines := strings.Split(strings.TrimSuffix(doc, "\n"), "\n")
	idx := -1
	for i, c := range strings.Split(lines[0], "\t") {
		if c == name {
			idx = i
		}
	}
	for i, l := range lines {
		f := strings.Split(l, "\t")
		if idx < len(f) {
			f = append(f[:idx], f[idx+1:]...)
		}
		lines[i] = strings.Join(f, "\t")
	}
	return strings.Join(lines, "\n") + "\n"
}

func replaceLine(doc string, n int, old, repl string) string {
	lines := strings.Split(doc, "\n")
	lines[n-1] = strings.Replace(lines[n-1], old, repl, 1)
	return strings.Join(lines, "\n")
}

func deleteLine(doc string, n int) string {
	lines := strings.Split(doc, "\n")
	return strings.Join(append(lines[:n-1], lines[n:]...), "\n")
}
