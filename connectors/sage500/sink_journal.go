package sage500

import (
	"context"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// journalSink writes balanced GL journals (README §7.2: an unposted GL
// journal batch, as a .NET wrapper does): tciBatchLog and tglBatch, the
// journal log, header and detail rows, and the journal's custom fields.
type journalSink struct {
	component.StartFunc
	component.ShutdownFunc
	keyedWriter
	cfg *JournalConfig
	sql journalSQL
}

type journalSQL struct{ findByKey, journal, account, batchTotals string }

var _ component.ConcurrentSink = (*journalSink)(nil)

// NewJournalFactory returns the factory of sage500.journal sinks.
func NewJournalFactory() component.SinkFactory {
	return sinkFactory{
		factory{TypeJournal, component.KindSink, func() any { return NewJournalConfig() }},
		newJournalSink,
	}
}

func newJournalSink(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error) {
	c := cfg.(*JournalConfig)
	w, err := newKeyedWriter(set, conn, "journal", "journal", "journals", "Journal messages by outcome: created, duplicate (already written), rejected.")
	if err != nil {
		return nil, err
	}
	r := func(s string) string { return dialect.Render(conn.dialect, s) }
	ext := conn.fields["journal"].ExtTable()
	return &journalSink{keyedWriter: w, cfg: c, sql: journalSQL{
		findByKey:   r(`SELECT {JrnlHdrKey} FROM {` + ext + `}{LOCK} WHERE {` + c.KeyField + `} = ?`),
		journal:     r(`SELECT {JrnlKey} FROM {tglJournal} WHERE {CompanyID} = ? AND {JrnlID} = ?`),
		account:     r(accountSQL),
		batchTotals: r(`UPDATE {tciBatchLog} SET {BatchTotal} = ?, {PostDate} = ?, {BatchCmnt} = ? WHERE {BatchKey} = ?`),
	}}, nil
}

// ConcurrentWrites marks the sink safe for concurrent Write calls.
func (*journalSink) ConcurrentWrites() {}

// Write writes each journal of the batch in its own transaction.
func (s *journalSink) Write(ctx context.Context, batch []*component.Message) error {
	return writeBatch(ctx, s.metrics, batch, s.writeOne)
}

func (s *journalSink) writeOne(ctx context.Context, msg *component.Message) error {
	doc, err := s.parseJournalDoc(msg.Body)
	if err != nil {
		return s.reject(msg, s.cfg.KeyField, err)
	}
	return s.once(ctx, doc.key, s.sql.findByKey, func(ctx context.Context, t *txn) error { return s.create(ctx, t, doc) })
}

func (s *journalSink) create(ctx context.Context, t *txn, doc *journalDoc) error {
	d := t.c.dialect
	accts := make([]int64, len(doc.lines))
	for i, l := range doc.lines {
		k, err := t.keyByID(ctx, s.sql.account, "GL account", fmt.Sprintf("journal.lines.%d.GLAcctNo", i), l.glAcctNo)
		if err != nil {
			return err
		}
		accts[i] = k
	}
	jrnlKey, err := t.keyByID(ctx, s.sql.journal, "journal (tglJournal.JrnlID)", "journal_id", s.cfg.JournalID)
	if err != nil {
		return err
	}
	tranDate := doc.tranDate
	if tranDate.IsZero() {
		tranDate = today(t.now, t.c.loc)
	}
	postDate := doc.postDate
	if postDate.IsZero() {
		postDate = tranDate
	}
	hc, err := homeAmounts(doc.lines, doc.rate)
	var totalHC decimal.Decimal
	if err == nil {
		totalHC, err = sumPositive(hc)
	}
	if err != nil {
		return component.Permanent(fmt.Errorf("journal amounts: %w", err))
	}
	batchKey, err := d.NewBatch(ctx, t, dialect.Batch{Company: t.c.cfg.CompanyID, ModuleNo: 3, ModuleID: "GL", BatchType: 301,
		User: t.c.cfg.UserID, Comment: doc.batchCmnt, PostDate: postDate, Now: t.now})
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, s.sql.batchTotals, dialect.Args(d, doc.debits.Pad(moneyScale), postDate, doc.batchCmnt, batchKey)...); err != nil {
		return fmt.Errorf("updating the batch: %w", d.Classify(err))
	}
	jrnlNo, err := d.NextJrnlNo(ctx, t, t.c.cfg.CompanyID, jrnlKey)
	if err != nil {
		return err
	}
	hdrKey, err := dialect.NextKey(ctx, d, t, "tglJournalHdr")
	if err != nil {
		return err
	}
	rows := []tableRow{
		{"tglBatch", map[string]any{"BatchKey": batchKey, "PostDate": postDate, "TranCtrl": doc.debits, "BatchCmnt": doc.batchCmnt}},
		{"tglJournalLog", map[string]any{"JrnlKey": jrnlKey, "JrnlNo": jrnlNo, "PostDate": postDate}},
		{"tglJournalHdr", map[string]any{"JrnlHdrKey": hdrKey, "BatchKey": batchKey, "JrnlKey": jrnlKey, "JrnlNo": jrnlNo, "TranDate": tranDate,
			"CurrID": doc.currID, "CurrExchRate": doc.rate, "NextEntryNo": int64(len(doc.lines) + 1), "PostCmnt": doc.postCmnt, "JrnlTotalHC": totalHC}},
	}
	for i, l := range doc.lines {
		rows = append(rows, tableRow{"tglJournalDetl", map[string]any{"JrnlHdrKey": hdrKey, "EntryNo": int64(i + 1), "GLAcctKey": accts[i], "PostAmt": l.amount,
			"PostAmtHC": hc[i], "PostCmnt": l.cmnt, "RefNo": l.refNo, "SeqNo": int64(16384 * (i + 1)), "TranDate": tranDate}})
	}
	for _, r := range rows {
		if err := t.insert(ctx, catalog.MustLookup(r.table), r.vals); err != nil {
			return err
		}
	}
	return t.insert(ctx, s.conn.fields["journal"].table, withKey(doc.custom, "JrnlHdrKey", hdrKey))
}

// tableRow is a row to insert into a catalogue table.
type tableRow struct {
	table string
	vals  map[string]any
}

// homeAmounts converts the lines to home currency at rate, rounded to 3
// places, putting the rounding difference on the largest line so that the
// home-currency journal balances too.
func homeAmounts(lines []journalLine, rate decimal.Decimal) ([]decimal.Decimal, error) {
	hc := make([]decimal.Decimal, len(lines))
	var sum decimal.Decimal
	largest := 0
	for i, l := range lines {
		v, err := mulMoney(l.amount, rate)
		if err != nil {
			return nil, err
		}
		if sum, err = sum.Add(v); err != nil {
			return nil, err
		}
		hc[i] = v
		if v.CmpAbs(hc[largest]) > 0 {
			largest = i
		}
	}
	fixed, err := hc[largest].Sub(sum)
	hc[largest] = fixed
	return hc, err
}

// sumPositive adds the positive amounts (the debits).
func sumPositive(amounts []decimal.Decimal) (decimal.Decimal, error) {
	var sum decimal.Decimal
	var err error
	for _, a := range amounts {
		if a.IsPos() {
			if sum, err = sum.Add(a); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}
