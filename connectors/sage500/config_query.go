package sage500

import (
	"errors"
	"regexp"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// QuerySourceConfig is the options of a sage500.query source.
type QuerySourceConfig struct {
	// Query names one of the connection's queries. It must select the rows
	// whose watermark column is >= @watermark, ordered by that column.
	Query string `yaml:"query"`
	// Key are the columns identifying a row, or a document when grouping.
	Key []string `yaml:"key"`
	// Watermark is the result column the cursor follows (a datetime such as
	// UpdateDate, or an increasing number).
	Watermark string `yaml:"watermark"`
	// Start is the watermark of the first poll: a date, an RFC 3339 time
	// or an integer.
	Start string `yaml:"start"`
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
	return &QuerySourceConfig{Start: "1900-01-01", Every: component.Duration(30 * time.Second), MaxRows: 1000}
}

var watermarkCompare = regexp.MustCompile(`>=\s*@watermark\b`)

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
	if _, err := parseWatermark(c.Start, time.UTC); err != nil {
		add("start", "%v", err)
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
// with >= (rows sharing the last watermark are read again, never lost),
// and taking exactly the given params besides @watermark and @company_id.
func (c *QuerySourceConfig) ValidateConnection(connCfg any) error {
	cc, err := asConnectionConfig(connCfg)
	if err != nil {
		return err
	}
	q, ok := cc.Queries[c.Query]
	if !ok {
		return component.FieldErrorf("query", "the connection has no query %q (queries: %s)", c.Query, describeKeys(cc.Queries))
	}
	if !watermarkCompare.MatchString(q.SQL) {
		return component.FieldErrorf("query", "query %s must select the rows whose watermark is >= @watermark (and ORDER BY it)", c.Query)
	}
	if err := matchParams("query "+c.Query, sqltext.Params(q.SQL), sortedKeys(c.Params), paramWatermark, paramCompanyID); err != nil {
		return component.FieldErrorf("params", "%v", err)
	}
	return nil
}
