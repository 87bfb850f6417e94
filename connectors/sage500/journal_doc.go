package sage500

import (
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// journalDoc is a sage500.journal input document (see docs/sage500.md).
type journalDoc struct {
	key                string
	tranDate, postDate time.Time
	currID             string
	rate               decimal.Decimal
	batchCmnt          string
	postCmnt           string
	lines              []journalLine
	custom             map[string]any
	debits, credits    decimal.Decimal
}

// journalLine is one detail row: a positive debit or a positive credit.
type journalLine struct {
	glAcctNo string
	amount   decimal.Decimal // debit positive, credit negative
	cmnt     string
	refNo    string
}

func (s *journalSink) parseJournalDoc(body any) (*journalDoc, error) {
	r := newFieldReader("journal", body, s.conn.loc)
	doc := &journalDoc{
		currID:    r.str("CurrID", column("tglJournalHdr", "CurrID"), true),
		rate:      r.dec("CurrExchRate", rateColumn, decimal.One),
		batchCmnt: r.str("BatchCmnt", column("tciBatchLog", "BatchCmnt"), false),
		postCmnt:  r.str("PostCmnt", column("tglJournalHdr", "PostCmnt"), false),
	}
	doc.tranDate, _ = r.value("TranDate", column("tglJournalHdr", "TranDate")).(time.Time)
	doc.postDate, _ = r.value("PostDate", column("tglBatch", "PostDate")).(time.Time)
	lines, _ := r.m["lines"].([]any)
	r.used["lines"] = true
	if len(lines) < 2 {
		r.failf("lines: a journal needs at least two lines")
	}
	for i, l := range lines {
		line, err := s.parseJournalLine(fmt.Sprintf("journal.lines.%d", i), l, doc)
		if err != nil {
			return nil, err
		}
		doc.lines = append(doc.lines, line)
	}
	var err error
	if doc.custom, doc.key, err = r.keyedCustom(s.conn.fields["journal"], s.cfg.KeyField, "journal"); err != nil {
		return nil, err
	}
	if doc.debits.Cmp(doc.credits) != 0 {
		return nil, fmt.Errorf("the journal is unbalanced: debits %s, credits %s (difference %s)", doc.debits, doc.credits, difference(doc.debits, doc.credits))
	}
	return doc, nil
}

func (s *journalSink) parseJournalLine(path string, v any, doc *journalDoc) (journalLine, error) {
	r := newFieldReader(path, v, s.conn.loc)
	l := journalLine{
		glAcctNo: r.str("GLAcctNo", column("tglAccount", "GLAcctNo"), true),
		cmnt:     r.str("PostCmnt", column("tglJournalDetl", "PostCmnt"), false),
		refNo:    r.str("RefNo", column("tglJournalDetl", "RefNo"), false),
	}
	amount := column("tglJournalDetl", "PostAmt")
	debit := r.dec("Debit", amount, zero)
	credit := r.dec("Credit", amount, zero)
	if err := r.finish(); err != nil {
		return l, err
	}
	var err error
	switch {
	case debit.IsNeg() || credit.IsNeg():
		return l, fmt.Errorf("%s: Debit and Credit must not be negative", path)
	case debit.IsPos() == credit.IsPos():
		return l, fmt.Errorf("%s: give either a Debit or a Credit greater than zero", path)
	case debit.IsPos():
		l.amount = debit
		doc.debits, err = doc.debits.Add(debit)
	default:
		l.amount = credit.Neg()
		doc.credits, err = doc.credits.Add(credit)
	}
	return l, err
}

// difference is a - b for an error message.
func difference(a, b decimal.Decimal) string {
	d, err := a.Sub(b)
	if err != nil {
		return "too large"
	}
	return d.String()
}
