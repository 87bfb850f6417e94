package sqltext_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
)

func TestSelectColumns_names_the_columns_of_the_select_list(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want []string
	}{
		{"SELECT c.CustID, a.CurrID, w.WhseID FROM tarCustomer c JOIN x", []string{"CustID", "CurrID", "WhseID"}},
		{"select o.TranID, COALESCE(SUM(d.QtyShip), 0) AS QtyShipped from t", []string{"TranID", "QtyShipped"}},
		{"SELECT TOP 1 [Item ID] AS [Item], Qty = a.QtyOnHand, 'x, y' AS Note FROM t", []string{"Item", "Qty", "Note"}},
		{"SELECT DISTINCT i.ItemID\nFROM timItem i -- , no", []string{"ItemID"}},
		{"SELECT (SELECT MAX(x) FROM y) AS Latest, b.Name FROM t", []string{"Latest", "Name"}},
		{"WITH s AS (SELECT a FROM b) SELECT s.a AS A FROM s", []string{"A"}},
	} {
		got, ok := sqltext.SelectColumns(tc.sql)
		assert.True(t, ok, tc.sql)
		assert.Equal(t, tc.want, got, tc.sql)
	}
	for _, sql := range []string{"SELECT * FROM t", "SELECT t.* FROM t", "SELECT a + b FROM t", "EXEC proc"} {
		_, ok := sqltext.SelectColumns(sql)
		assert.False(t, ok, sql)
	}
}
