package sage500_test

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
)

const journalOptions = "key_field: SettlementId\n"

func journalMsg(t testing.TB, key string, edit ...func(map[string]any)) *component.Message {
	t.Helper()
	b, err := os.ReadFile("testdata/journal.json")
	require.NoError(t, err)
	body := jsonBody(t, strings.ReplaceAll(string(b), "{{KEY}}", key)).(map[string]any)
	for _, e := range edit {
		e(body)
	}
	return component.NewMessage("settlement-"+key, body)
}

func journalLine(m map[string]any, i int) map[string]any {
	return m["lines"].([]any)[i].(map[string]any)
}

func TestJournalSink_writes_a_balanced_journal_once(t *testing.T) {
	forEachTarget(t, testJournalSink_writes_a_balanced_journal_once)
}

func testJournalSink_writes_a_balanced_journal_once(t *testing.T, tg target) {
	conn := newConn(t, tg)
	sink := newSink(t, sage500.NewJournalFactory(), conn, journalOptions)
	for range 2 {
		require.NoError(t, writeOne(t, sink, journalMsg(t, "23456789012")))
	}
	db := conn.DB()
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tglJournalHdr`))
	assert.Equal(t, int64(7), queryInt(t, db, `SELECT COUNT(*) FROM tglJournalDetl`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tglBatch b JOIN tciBatchLog l ON l.BatchKey = b.BatchKey WHERE l.BatchType = 301`))
	var total, sum decimal.Decimal
	var batchID string
	require.NoError(t, db.QueryRow(`SELECT h.JrnlTotalHC, l.BatchID FROM tglJournalHdr h JOIN tciBatchLog l ON l.BatchKey = h.BatchKey`).Scan(&total, &batchID))
	assert.Equal(t, "1479.87", total.String())
	assert.Equal(t, "GL301-1", batchID)
	sum = sumPostAmtHC(t, db)
	assert.True(t, sum.IsZero(), "debits positive, credits negative, balancing to zero: %s", sum)
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tglJournalHdr_ext WHERE SettlementId = '23456789012'`))
	assert.Equal(t, int64(2), queryInt(t, db, `SELECT NextJrnlNo FROM tglJournal WHERE JrnlID = 'GJ'`))
}

func TestJournalSink_rejects_bad_journals_naming_the_problem(t *testing.T) {
	forEachTarget(t, testJournalSink_rejects_bad_journals_naming_the_problem)
}

func testJournalSink_rejects_bad_journals_naming_the_problem(t *testing.T, tg target) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want []string
	}{
		{"unbalanced", func(m map[string]any) { journalLine(m, 0)["Debit"] = decimal.MustParse("1187.40") },
			[]string{"journal 777: the journal is unbalanced: debits 1479.850, credits 1479.870 (difference -0.020)"}},
		{"unknown account", func(m map[string]any) { journalLine(m, 2)["GLAcctNo"] = "6999" },
			[]string{"journal 777", "journal.lines.2.GLAcctNo", `unknown GL account "6999"`}},
		{"debit and credit on one line", func(m map[string]any) { journalLine(m, 1)["Credit"] = decimal.MustParse("1") },
			[]string{"journal.lines.1: give either a Debit or a Credit"}},
		{"negative amount", func(m map[string]any) { journalLine(m, 1)["Debit"] = decimal.MustParse("-1") },
			[]string{"journal.lines.1: Debit and Credit must not be negative"}},
		{"missing key", func(m map[string]any) { delete(m["custom"].(map[string]any), "SettlementId") },
			[]string{"journal.custom.SettlementId: the journal's key is required"}},
	}
	conn := newConn(t, tg)
	sink := newSink(t, sage500.NewJournalFactory(), conn, journalOptions)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeOne(t, sink, journalMsg(t, "777", tt.edit))
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err), "permanent: %v", err)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tglJournalHdr`))
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tciBatchLog`), "no batch left behind")
}

func TestJournalSink_balances_home_currency_amounts_after_rounding(t *testing.T) {
	forEachTarget(t, testJournalSink_balances_home_currency_amounts_after_rounding)
}

func testJournalSink_balances_home_currency_amounts_after_rounding(t *testing.T, tg target) {
	conn := newConn(t, tg)
	sink := newSink(t, sage500.NewJournalFactory(), conn, journalOptions)
	require.NoError(t, writeOne(t, sink, journalMsg(t, "888", func(m map[string]any) {
		m["CurrID"], m["CurrExchRate"] = "CAD", decimal.MustParse("0.7313")
	})))
	sum := sumPostAmtHC(t, conn.DB())
	assert.True(t, sum.IsZero(), "home-currency amounts balance too: %s", sum)
}

// sumPostAmtHC adds up the journal detail rows' home-currency amounts.
func sumPostAmtHC(t testing.TB, db *sql.DB) decimal.Decimal {
	t.Helper()
	rows, err := db.Query(`SELECT PostAmtHC FROM tglJournalDetl`)
	require.NoError(t, err)
	defer rows.Close()
	var sum decimal.Decimal
	for rows.Next() {
		var a decimal.Decimal
		require.NoError(t, rows.Scan(&a))
		sum, _ = sum.Add(a)
	}
	require.NoError(t, rows.Err())
	return sum
}
