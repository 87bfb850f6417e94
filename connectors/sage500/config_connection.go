package sage500

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionConfig is the options of a sage500 connection.
type ConnectionConfig struct {
	// DSN is sqlserver://user:password@host/instance?database=NAME for a
	// Sage 500 company on SQL Server, or sqlite:PATH for the demo database.
	DSN string `yaml:"dsn"`
	// CompanyID is the Sage company (tsmCompany.CompanyID, 3 characters).
	CompanyID string `yaml:"company_id"`
	// UserID is written as CreateUserID/UpdateUserID (default "pipewright").
	UserID string `yaml:"user_id"`
	// TimeZone is the zone of Sage's datetime columns (default UTC).
	TimeZone string `yaml:"time_zone"`
	// Timeout bounds each database operation, e.g. one order's transaction.
	Timeout component.Duration `yaml:"timeout"`
	// Pool limits the connection pool.
	Pool PoolConfig `yaml:"pool"`
	// CustomFields declares extension fields per entity.
	CustomFields map[string][]FieldConfig `yaml:"custom_fields"`
	// Queries are named SQL queries for lookups and the sage500.query source.
	Queries map[string]QueryConfig `yaml:"queries"`
	// Statements are named SQL statements for the sage500.exec sink.
	Statements map[string]StatementConfig `yaml:"statements"`
	// LookupCache configures the lookup result cache.
	LookupCache LookupCacheConfig `yaml:"lookup_cache"`
}

// PoolConfig limits the connection pool.
type PoolConfig struct {
	// MaxOpen is the most connections open at once.
	MaxOpen int `yaml:"max_open"`
	// MaxIdle is the most idle connections kept.
	MaxIdle int `yaml:"max_idle"`
	// MaxLifetime is how long a connection is reused before it is replaced.
	MaxLifetime component.Duration `yaml:"max_lifetime"`
}

// FieldConfig is one custom field: a column of the entity's extension table.
type FieldConfig struct {
	// Name is the column name, e.g. AmazonOrderId.
	Name string `yaml:"name"`
	// Type is the SQL type (see catalog.ParseType), e.g. varchar(19).
	Type string `yaml:"type"`
	// Unique asks for a unique index over the rows that have a value; a
	// sink's key field must be unique.
	Unique bool `yaml:"unique"`
}

// QueryConfig is a named query. Result "row" returns the only row (or
// nil); "rows" returns every row as a list. Types gives the SQL type of
// result columns the database cannot tell (expressions such as SUM on
// SQLite), e.g. QtyOnHand: decimal(16,8).
type QueryConfig struct {
	SQL    string            `yaml:"sql"`
	Result string            `yaml:"result"`
	Types  map[string]string `yaml:"types"`
	// Columns names the result columns when the select list cannot tell
	// them (SELECT *, an expression without an alias); validation checks
	// the columns expressions read from a lookup against them.
	Columns []string `yaml:"columns"`
}

// StatementConfig is a named statement.
type StatementConfig struct {
	// SQL is the statement, with @name parameters.
	SQL string `yaml:"sql"`
}

// LookupCacheConfig configures the lookup cache; a TTL of 0 disables it.
type LookupCacheConfig struct {
	// TTL is how long a result is reused.
	TTL component.Duration `yaml:"ttl"`
	// MaxEntries is the most results kept.
	MaxEntries int `yaml:"max_entries"`
}

// Built-in query parameters, bound by the connector when a query uses them.
const (
	paramCompanyID = "company_id"
	paramWatermark = "watermark"
)

// NewConnectionConfig returns the defaults.
func NewConnectionConfig() *ConnectionConfig {
	return &ConnectionConfig{
		UserID:      "pipewright",
		TimeZone:    "UTC",
		Timeout:     component.Duration(30 * time.Second),
		Pool:        PoolConfig{MaxOpen: 8, MaxIdle: 4, MaxLifetime: component.Duration(30 * time.Minute)},
		LookupCache: LookupCacheConfig{TTL: component.Duration(time.Minute), MaxEntries: 10000},
	}
}

// Validate reports every problem of the options, each with its path.
func (c *ConnectionConfig) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, component.FieldErrorf(path, format, args...))
	}
	if _, _, err := parseDSN(c.DSN); err != nil {
		add("dsn", "%v", err)
	}
	if n := len(c.CompanyID); n == 0 || n > 3 {
		add("company_id", "want a Sage CompanyID of 1 to 3 characters")
	}
	if n := len(c.UserID); n == 0 || n > 30 {
		add("user_id", "want a user ID of 1 to 30 characters")
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		add("time_zone", "unknown time zone %q", c.TimeZone)
	}
	if c.Pool.MaxOpen < 1 || c.Pool.MaxIdle < 0 || c.Pool.MaxIdle > c.Pool.MaxOpen {
		add("pool", "want max_open >= 1 and 0 <= max_idle <= max_open")
	}
	errs = append(errs, c.validateFields()...)
	for _, name := range sortedKeys(c.Queries) {
		q := c.Queries[name]
		errs = append(errs, validateSQL("queries."+name, name, q.SQL)...)
		if q.Result != "" && q.Result != "row" && q.Result != "rows" {
			add("queries."+name+".result", "want row or rows")
		}
		for _, col := range sortedKeys(q.Types) {
			if _, err := catalog.ParseType(q.Types[col]); err != nil {
				add("queries."+name+".types."+col, "%v", err)
			}
		}
	}
	for _, name := range sortedKeys(c.Statements) {
		errs = append(errs, validateSQL("statements."+name, name, c.Statements[name].SQL)...)
	}
	return errors.Join(errs...)
}

func validateSQL(path, name, sql string) []error {
	var errs []error
	if !sqltext.ValidIdent(name) {
		errs = append(errs, component.FieldErrorf(path, "name %q: want letters, digits and underscores", name))
	}
	if strings.TrimSpace(sql) == "" {
		errs = append(errs, component.FieldErrorf(path+".sql", "want a SQL text"))
	}
	if sqltext.Positional(sql) {
		errs = append(errs, component.FieldErrorf(path+".sql", "use named parameters (@name), not ?"))
	}
	return errs
}

func (c *ConnectionConfig) validateFields() []error {
	var errs []error
	for _, ent := range sortedKeys(c.CustomFields) {
		e, ok := entityByName(ent)
		if !ok {
			errs = append(errs, component.FieldErrorf("custom_fields."+ent, "unknown entity %q: want one of %s", ent, strings.Join(entityNames(), ", ")))
			continue
		}
		seen := map[string]bool{strings.ToLower(e.Key): true}
		for i, f := range c.CustomFields[ent] {
			path := fmt.Sprintf("custom_fields.%s.%d", ent, i)
			switch {
			case !sqltext.ValidIdent(f.Name):
				errs = append(errs, component.FieldErrorf(path+".name", "%q is not a valid column name: want letters, digits and underscores", f.Name))
			case seen[strings.ToLower(f.Name)]:
				errs = append(errs, component.FieldErrorf(path+".name", "%s is declared twice (or is the key column)", f.Name))
			}
			seen[strings.ToLower(f.Name)] = true
			if _, err := catalog.ParseType(f.Type); err != nil {
				errs = append(errs, component.FieldErrorf(path+".type", "%v", err))
			}
		}
	}
	return errs
}

// ValidateLookup checks that query is defined and takes exactly params
// (company_id is bound by the connection).
func (c *ConnectionConfig) ValidateLookup(query string, params []string) error {
	q, ok := c.Queries[query]
	if !ok {
		return fmt.Errorf("connection has no query %q (queries: %s)", query, describeKeys(c.Queries))
	}
	return matchParams("query "+query, sqltext.Params(q.SQL), params, paramCompanyID)
}

// matchParams checks that the parameters a SQL text uses, less the
// built-in ones, are exactly the given names.
func matchParams(what string, used, given []string, builtin ...string) error {
	want := map[string]bool{}
	for _, p := range used {
		want[p] = true
	}
	for _, b := range builtin {
		delete(want, b)
	}
	var missing, extra []string
	have := map[string]bool{}
	for _, p := range given {
		have[p] = true
		if !want[p] {
			extra = append(extra, p)
		}
	}
	for p := range want {
		if !have[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	switch {
	case len(missing) > 0:
		return fmt.Errorf("%s needs parameter(s) %s", what, strings.Join(missing, ", "))
	case len(extra) > 0:
		return fmt.Errorf("%s takes no parameter(s) %s", what, strings.Join(extra, ", "))
	}
	return nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// describeKeys lists a map's keys for an error message.
func describeKeys[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(m), ", ")
}

// asConnectionConfig is the connection config a source or sink names.
func asConnectionConfig(connCfg any) (*ConnectionConfig, error) {
	cc, ok := connCfg.(*ConnectionConfig)
	if !ok {
		return nil, fmt.Errorf("want a %s connection, got %T", TypeConnection, connCfg)
	}
	return cc, nil
}
