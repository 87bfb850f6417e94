package sage500

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// QuerySourceConfig is the options of a sage500.query source.
type QuerySourceConfig struct {
	// Query names one of the connection's queries. It must select the rows
	// whose watermark column is >= @watermark, ordered by that column (with
	// ChangeTracking: the changes of CHANGETABLE(CHANGES table, @watermark),
	// ordered by their version).
	Query string `yaml:"query"`
	// Key are the columns identifying a row, or a document when grouping.
	Key []string `yaml:"key"`
	// Watermark is the result column the cursor follows (a datetime such as
	// UpdateDate, an increasing number, or the change version). With the
	// key it makes the message ID, so it is the row's version too.
	Watermark string `yaml:"watermark"`
	// Start is the watermark of the first poll: a date, an RFC 3339 time
	// or an integer (default 1900-01-01; with ChangeTracking, a change
	// version, by default the current one at the first poll).
	Start string `yaml:"start"`
	// Lookback is how far behind the cursor each poll reads again, for rows
	// committed late: a duration for a datetime watermark (default
	// DefaultTimeLookback), a number for a numeric one (default 0). What it
	// re-reads is published only if its key and version were not.
	Lookback string `yaml:"lookback"`
	// ChangeTracking names the table whose SQL Server change tracking the
	// query reads (SQL Server only): versions are assigned at commit, so no
	// change is missed and no lookback is needed.
	ChangeTracking string `yaml:"change_tracking"`
	// Every is the polling interval.
	Every component.Duration `yaml:"every"`
	// MaxRows is how many rows one poll publishes at most, rounded up to
	// the end of the last watermark value read.
	MaxRows int `yaml:"max_rows"`
	// Params are literal values for the query's other parameters.
	Params map[string]any `yaml:"params"`
	// Group turns the rows sharing a key into one document.
	Group *GroupConfig `yaml:"group"`
}

// GroupConfig shapes grouped documents: the key and header columns of the
// first row at the top, every row's other columns in a list.
type GroupConfig struct {
	// Header are the columns taken once, from the first row, besides the
	// key columns.
	Header []string `yaml:"header"`
	// Lines is the field holding the list of rows (default "lines").
	Lines string `yaml:"lines"`
}

// NewQuerySourceConfig returns the defaults.
func NewQuerySourceConfig() *QuerySourceConfig {
	return &QuerySourceConfig{Every: component.Duration(30 * time.Second), MaxRows: 1000}
}

// defaultStart is the start of a source following a watermark column.
const defaultStart = "1900-01-01"

var watermarkCompare = regexp.MustCompile(`>=\s*@watermark\b`)

// changesOf matches CHANGETABLE(CHANGES table, @watermark) in a query.
func changesOf(table string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)CHANGETABLE\s*\(\s*CHANGES\s+(\[?dbo\]?\.)?\[?` + regexp.QuoteMeta(table) + `\]?\s*,\s*@watermark\s*\)`)
}

// startWatermark is the watermark of the first poll, in loc; nil means the
// current change version (change tracking without a start).
func (c *QuerySourceConfig) startWatermark(loc *time.Location) (any, error) {
	switch {
	case c.ChangeTracking == "" && c.Start == "":
		return parseWatermark(defaultStart, loc)
	case c.ChangeTracking == "":
		return parseWatermark(c.Start, loc)
	case c.Start == "":
		return nil, nil
	}
	n, err := strconv.ParseInt(c.Start, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("with change_tracking, want a change version (an integer) or nothing for the current version, got %q", c.Start)
	}
	return n, nil
}

// lookbackFor is the parsed Lookback for the kind of the start watermark.
func (c *QuerySourceConfig) lookbackFor(start any) (lookback, error) {
	if c.ChangeTracking != "" {
		if c.Lookback != "" && c.Lookback != "0" {
			return lookback{}, errors.New("change tracking versions are assigned at commit: leave lookback out")
		}
		return lookback{}, nil
	}
	return parseLookback(c.Lookback, start)
}

// Validate checks the options on their own.
func (c *QuerySourceConfig) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, component.FieldErrorf(path, format, args...))
	}
	if !sqltext.ValidIdent(c.Query) {
		add("query", "want the name of one of the connection's queries")
	}
	if c.Watermark == "" {
		add("watermark", "want the name of the watermark column")
	}
	if len(c.Key) == 0 {
		add("key", "want the column(s) that identify a row or document")
	}
	if start, err := c.startWatermark(time.UTC); err != nil {
		add("start", "%v", err)
	} else if _, err := c.lookbackFor(start); err != nil {
		add("lookback", "%v", err)
	}
	if c.ChangeTracking != "" && !sqltext.ValidIdent(c.ChangeTracking) {
		add("change_tracking", "want the name of a table")
	}
	if c.Every.D() <= 0 {
		add("every", "want a positive interval")
	}
	if c.MaxRows < 1 {
		add("max_rows", "want at least 1")
	}
	if c.Group != nil && c.Group.Lines == "" {
		c.Group.Lines = "lines"
	}
	for name, v := range c.Params {
		if _, err := bindable(v); err != nil {
			add("params."+name, "%v", err)
		}
	}
	return errors.Join(errs...)
}

// ValidateConnection checks the query: defined, comparing the watermark
// with >= (rows sharing the last watermark are read again, never lost) or
// reading the changes of the tracked table on SQL Server, and taking
// exactly the given params besides @watermark and @company_id.
func (c *QuerySourceConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	q, ok := cc.Queries[c.Query]
	if !ok {
		return component.FieldErrorf("query", "the connection has no query %q (queries: %s)", c.Query, describeKeys(cc.Queries))
	}
	if c.ChangeTracking != "" {
		if name, _, _ := parseDSN(cc.DSN); name != "sqlserver" {
			return component.FieldErrorf("change_tracking", "change tracking needs SQL Server; on the SQLite demo database follow a datetime watermark such as UpdateDate with a lookback")
		}
		if !changesOf(c.ChangeTracking).MatchString(q.SQL) {
			return component.FieldErrorf("query", "query %s must read CHANGETABLE(CHANGES %s, @watermark) (and ORDER BY the change version)", c.Query, c.ChangeTracking)
		}
	} else if !watermarkCompare.MatchString(q.SQL) {
		return component.FieldErrorf("query", "query %s must select the rows whose watermark is >= @watermark (and ORDER BY it)", c.Query)
	}
	if err := matchParams("query "+c.Query, sqltext.Params(q.SQL), sortedKeys(c.Params), paramWatermark, paramCompanyID); err != nil {
		return component.FieldErrorf("params", "%v", err)
	}
	return nil
}
