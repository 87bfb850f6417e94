package sage500

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// QuerySourceConfig is the options of a sage500.query source.
//
// Polls a named query of the connection and publishes its rows, or documents
// of rows grouped by key, following a watermark column with a durable
// cursor.
type QuerySourceConfig struct {
	// The name of a query under the connection's queries. It must keep the
	// rows whose watermark column is >= @watermark and ORDER BY that column;
	// with change_tracking it reads CHANGETABLE(CHANGES <table>, @watermark)
	// and orders by the change version.
	Query string `yaml:"query" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Result columns identifying a row, or a document when grouping. The
	// message ID is the query, the key and the watermark (the row's
	// version).
	Key []string `yaml:"key" schema:"required,minItems=1"`
	// Result column the cursor follows and the version in the message ID: a
	// datetime (e.g. UpdateDate, to see rows again when they change), an
	// increasing number, or the change version (SYS_CHANGE_VERSION) with
	// change_tracking. What each poll reads again is skipped by ID, so
	// nothing is lost or repeated.
	Watermark string `yaml:"watermark" schema:"required"`
	// Where the source begins and the floor it never reads before: a date,
	// an RFC 3339 time or an integer (default 1900-01-01). With
	// change_tracking, a change version; left out, the current version at
	// the first poll. A stored cursor behind a raised start moves up to it.
	Start string `yaml:"start"`
	// How far behind the cursor each poll reads again, for rows committed
	// after the cursor passed their watermark (a long transaction, a clock
	// behind, a back-dated row): a duration for a datetime watermark
	// (default 15m), a number for a numeric one (default 0). What it reads
	// again is published only if its key and version were not; the source
	// remembers those in its state.
	Lookback string `yaml:"lookback" schema:"type=string|number"`
	// SQL Server only: the table whose change tracking the query reads (e.g.
	// tsoShipment). Change versions are assigned at commit, so no committed
	// change is missed and no lookback is needed. Needs change tracking on
	// the database and the table, ALLOW_SNAPSHOT_ISOLATION, and VIEW CHANGE
	// TRACKING for the user.
	ChangeTracking string `yaml:"change_tracking" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Polling interval (engine clock).
	Every component.Duration `yaml:"every"`
	// Rows published per poll, at most; the poll reads on to the end of the
	// last watermark value and polls again at once when rows are left.
	MaxRows int `yaml:"max_rows" schema:"minimum=1"`
	// Literal values for the query's other @name parameters (@watermark and
	// @company_id are bound by the source).
	Params map[string]any `yaml:"params" keys:"^[A-Za-z_][A-Za-z0-9_]*$" schema:"type=string|number|boolean"`
	// Group the rows sharing a key into one document (e.g. a shipment with
	// its lines).
	Group *GroupConfig `yaml:"group"`
}

// GroupConfig shapes grouped documents: the key and header columns of the
// first row at the top, every row's other columns in a list.
type GroupConfig struct {
	// Columns taken once, from the first row, besides the key columns.
	Header []string `yaml:"header"`
	// Field holding the list of rows, each with the columns not in key or
	// header.
	Lines string `yaml:"lines"`
}

// UnmarshalYAML decodes a group, lines defaulting to "lines".
func (g *GroupConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain GroupConfig
	p := plain{Lines: "lines"}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*g = GroupConfig(p)
	return nil
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
		add("group.lines", "want the name of the field holding the rows")
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
