package settlement

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// Parse reads a settlement report (gzip and charset aware, see Decode). The
// error is for reading only: problems with the report itself are in the
// returned Settlement's Problems, and Err reports them.
func Parse(r io.Reader) (*Settlement, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxReport))
	if err != nil {
		return nil, fmt.Errorf("reading the settlement report: %w", err)
	}
	return ParseBytes(data, "")
}

// ParseBytes parses a downloaded report document; contentType is the
// download's Content-Type (it may name a charset) or "".
func ParseBytes(data []byte, contentType string) (*Settlement, error) {
	text, err := Decode(data, contentType)
	if err != nil {
		return nil, fmt.Errorf("decoding the settlement report: %w", err)
	}
	p := &parser{s: &Settlement{}}
	p.run(text)
	slices.SortStableFunc(p.s.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return p.s, nil
}

type parser struct {
	s      *Settlement
	cols   map[string]int // header name -> index
	header []string
	num    numberFormat
}

func (p *parser) problem(line int, column, format string, args ...any) {
	p.s.Problems = append(p.s.Problems, Problem{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) warn(line int, column, format string, args ...any) {
	p.s.Problems = append(p.s.Problems, Problem{Line: line, Column: column, Message: fmt.Sprintf(format, args...), Warning: true})
}

// line is one non-blank line split into trimmed fields.
type line struct {
	n      int
	fields []string
}

func splitLines(text string) []line {
	var out []line
	for i, raw := range strings.Split(text, "\n") {
		raw = strings.TrimRight(raw, "\r")
		if strings.TrimSpace(raw) == "" {
			continue
		}
		fields := strings.Split(raw, "\t")
		for j := range fields {
			fields[j] = strings.TrimSpace(fields[j])
		}
		out = append(out, line{n: i + 1, fields: fields})
	}
	return out
}

func (p *parser) run(text string) {
	lines := splitLines(text)
	if len(lines) == 0 {
		p.problem(1, "", "the report is empty")
		return
	}
	if !p.readHeader(lines[0]) {
		return
	}
	if len(lines) == 1 {
		p.problem(lines[0].n, "", "the report has no summary row")
		return
	}
	p.readSummary(lines[1])
	for _, l := range lines[2:] {
		p.readRow(l)
	}
	p.reconcile()
}

// readHeader maps the columns and decides the layout; it reports false when
// the report cannot be read at all.
func (p *parser) readHeader(l line) bool {
	p.cols = map[string]int{}
	known := knownColumns()
	for i, name := range l.fields {
		name = strings.ToLower(name)
		p.header = append(p.header, name)
		if name == "" {
			continue
		}
		if _, dup := p.cols[name]; dup {
			p.problem(l.n, name, "the column appears twice")
			continue
		}
		p.cols[name] = i
		if !known[name] {
			p.s.UnknownColumns = append(p.s.UnknownColumns, name)
			p.warn(l.n, name, "unknown column (ignored)")
		}
	}
	required := slices.Clone(requiredColumns)
	switch {
	case p.has(colAmount) || !p.hasAnyFlatAmount():
		p.s.Layout = LayoutV2
		required = append(required, v2Required...)
	default:
		p.s.Layout = LayoutFlatFile
	}
	ok := true
	for _, c := range required {
		if !p.has(c) {
			p.problem(l.n, c, "required column is missing")
			ok = false
		}
	}
	return ok
}

func (p *parser) has(col string) bool { _, ok := p.cols[col]; return ok }

func (p *parser) hasAnyFlatAmount() bool {
	for _, a := range flatAmounts {
		if p.has(a.column) {
			return true
		}
	}
	return false
}

// field returns a line's value of col ("" when the column or value is absent).
func (p *parser) field(l line, col string) string {
	i, ok := p.cols[col]
	if !ok || i >= len(l.fields) {
		return ""
	}
	return l.fields[i]
}

// checkWidth reports values beyond the header's columns.
func (p *parser) checkWidth(l line) {
	for i := len(p.header); i < len(l.fields); i++ {
		if l.fields[i] != "" {
			p.problem(l.n, "", "value %q in column %d, beyond the header's %d columns", l.fields[i], i+1, len(p.header))
			return
		}
	}
}

func (p *parser) readSummary(l line) {
	s := p.s
	s.SummaryLine = l.n
	p.checkWidth(l)
	s.ID = p.field(l, colSettlementID)
	if s.ID == "" {
		p.problem(l.n, colSettlementID, "the summary row has no settlement id")
	}
	s.Currency = p.field(l, colCurrency)
	s.TotalText = p.field(l, colTotalAmount)
	if s.TotalText == "" {
		p.problem(l.n, colTotalAmount, "the first row is not the settlement summary: total-amount is empty")
	}
	p.num = detectNumberFormat(s.TotalText)
	if s.TotalText != "" {
		total, err := p.num.parse(s.TotalText)
		if err != nil {
			p.problem(l.n, colTotalAmount, "%v", err)
		}
		s.TotalAmount = total
	}
	s.StartDate = p.date(l, colStartDate, true)
	s.EndDate = p.date(l, colEndDate, true)
	s.DepositDate = p.date(l, colDepositDate, false)
}

// date parses a date column; required dates must not be empty.
func (p *parser) date(l line, col string, required bool) time.Time {
	v := p.field(l, col)
	if v == "" {
		if required {
			p.problem(l.n, col, "the date is missing")
		}
		return time.Time{}
	}
	t, err := parseDate(v)
	if err != nil {
		p.problem(l.n, col, "%v", err)
	}
	return t
}

func (p *parser) readRow(l line) {
	p.checkWidth(l)
	if id := p.field(l, colSettlementID); id != p.s.ID {
		p.problem(l.n, colSettlementID, "settlement id %q differs from the summary's %q", id, p.s.ID)
	}
	r := Row{Line: l.n}
	for col, f := range textColumns {
		*f(&r) = p.field(l, col)
	}
	r.PostedDate = p.date(l, colPostedTime, false)
	if r.PostedDate.IsZero() {
		r.PostedDate = p.date(l, colPostedDate, false)
	}
	if q := p.field(l, colQuantity); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			p.problem(l.n, colQuantity, "%q is not a whole number", q)
		} else {
			r.QuantityPurchased = &n
		}
	}
	if p.s.Layout == LayoutV2 {
		p.amount(l, &r, amountColumn{column: colAmount, description: colAmountDescr}, p.field(l, colAmountType))
		if len(r.Amounts) == 0 {
			p.problem(l.n, colAmount, "the row has no amount")
		}
	} else {
		for _, a := range flatAmounts {
			p.amount(l, &r, a, a.amountType)
		}
	}
	p.s.Rows = append(p.s.Rows, r)
}

// amount appends the amount in column a of line l to r, if there is one.
func (p *parser) amount(l line, r *Row, a amountColumn, amountType string) {
	v := p.field(l, a.column)
	if v == "" {
		return
	}
	d, err := p.num.parse(v)
	if err != nil {
		p.problem(l.n, a.column, "%v", err)
		return
	}
	r.Amounts = append(r.Amounts, Amount{Type: amountType, Description: p.field(l, a.description), Amount: d, Column: a.column})
}

// reconcile sums the amounts and compares the sum with the total.
func (p *parser) reconcile() {
	s := p.s
	sum := decimal.Zero
	for _, r := range s.Rows {
		for _, a := range r.Amounts {
			next, err := sum.Add(a.Amount)
			if err != nil {
				p.problem(r.Line, a.Column, "the amounts overflow: %v", err)
				return
			}
			sum = next
		}
	}
	s.RowsSum = sum
	s.Reconciled = s.TotalText != "" && sum.Cmp(s.TotalAmount) == 0
	if s.TotalText != "" && !s.Reconciled {
		p.problem(s.SummaryLine, colTotalAmount, "the rows sum to %s but total-amount is %s", sum, s.TotalAmount)
	}
}
