package sage500

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionConfig is the options of a sage500 connection.
//
// A Sage 500 database: a company on SQL Server, or the embedded SQLite demo
// database.
type ConnectionConfig struct {
	// sqlserver://USER:PASSWORD@HOST/INSTANCE?database=NAME for a Sage 500
	// company on SQL Server (go-mssqldb), or sqlite:PATH for the demo
	// database (WAL, IMMEDIATE write transactions, a busy timeout and
	// synchronous=FULL are added unless given after ?, e.g.
	// sqlite:PATH?_synchronous=NORMAL). Usually ${env:...}. Its password
	// (USER:PASSWORD@, or a password= parameter) is a secret, never logged;
	// the rest of the DSN stays readable in messages.
	DSN string `yaml:"dsn" schema:"required,secret=dsn"`
	// The Sage company (CompanyID) every read and write is scoped to; bound
	// as @company_id in named SQL.
	CompanyID string `yaml:"company_id" schema:"required,minLength=1,maxLength=3"`
	// Written to CreateUserID and UpdateUserID.
	UserID string `yaml:"user_id" schema:"minLength=1,maxLength=30"`
	// IANA time zone of Sage's datetime columns: times are written and read
	// as wall-clock times in it.
	TimeZone string `yaml:"time_zone"`
	// Upper bound of one database operation (one order's transaction, one
	// lookup, one poll).
	Timeout component.Duration `yaml:"timeout"`
	// Connection pool limits.
	Pool PoolConfig `yaml:"pool"`
	// Custom fields per entity. Each entity's fields are columns of its
	// extension table <SageTable>_ext keyed by the entity's surrogate key
	// (e.g. tsoSalesOrder_ext.SOKey); `pipewright sage500 fields --apply`
	// creates them.
	CustomFields map[string][]FieldConfig `yaml:"custom_fields"`
	// Named SQL queries for the lookup step and the sage500.query source.
	// Parameters are written @name; @company_id is bound by the connection.
	Queries map[string]QueryConfig `yaml:"queries" keys:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Named SQL statements for the sage500.exec sink, with @name parameters;
	// @company_id is bound by the connection.
	Statements map[string]StatementConfig `yaml:"statements" keys:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// Cache of lookup results, keyed by query and parameters.
	LookupCache LookupCacheConfig `yaml:"lookup_cache"`
}

// JSONSchemaExtend lists the entities custom_fields may name, from the
// connector's entity table, each holding the generated field list.
func (ConnectionConfig) JSONSchemaExtend(s map[string]any) {
	custom := s["properties"].(map[string]any)["custom_fields"].(map[string]any)
	fields := custom["additionalProperties"].(map[string]any)
	props := map[string]any{}
	for _, e := range entities {
		props[e.Name] = map[string]any{
			"type": "array", "items": fields["items"],
			"description": fmt.Sprintf("Fields of %s (extension table %s, key %s).", e.Table, e.ExtTable(), e.Key),
		}
	}
	custom["properties"] = props
	custom["additionalProperties"] = false
}

// PoolConfig limits the connection pool.
type PoolConfig struct {
	// Most connections open at once.
	MaxOpen int `yaml:"max_open" schema:"minimum=1"`
	// Most idle connections kept.
	MaxIdle int `yaml:"max_idle" schema:"minimum=0"`
	// How long a connection is reused before it is replaced.
	MaxLifetime component.Duration `yaml:"max_lifetime"`
}

// FieldConfig is one custom field: a column of the entity's extension table.
type FieldConfig struct {
	// Column name, e.g. AmazonOrderId.
	Name string `yaml:"name" schema:"required" pattern:"^[A-Za-z_][A-Za-z0-9_]*$"`
	// SQL type: varchar(N), int, smallint, float, datetime or decimal(P,S)
	// (P up to 19).
	Type string `yaml:"type" schema:"required"`
	// Create a unique index (over the rows that have a value). A sink's key
	// field must be unique.
	Unique bool `yaml:"unique"`
}

// QueryConfig is a named query. Result "row" returns the only row (or
// nil); "rows" returns every row as a list. Types gives the SQL type of
// result columns the database cannot tell (expressions such as SUM on
// SQLite), e.g. QtyOnHand: decimal(16,8).
//
// A named query: its SQL and, for lookups, the shape of its result.
type QueryConfig struct {
	// The query, with @name parameters.
	SQL string `yaml:"sql" schema:"required"`
	// For lookups: row returns the only matching row as an object (null
	// when none, an error when several); rows returns every row as a list.
	Result string `yaml:"result" schema:"enum=row|rows"`
	// SQL types of result columns the database does not report, such as
	// SUM(QtyOnHand) on SQLite: decimal(P,S) makes them decimals at that
	// scale on both databases.
	Types map[string]string `yaml:"types"`
	// The result columns, for a select list that does not tell them
	// (SELECT *, an expression without an alias). Otherwise validation reads
	// them from the select list and checks every column an expression reads
	// from the lookup's result.
	Columns []string `yaml:"columns"`
}

// UnmarshalYAML decodes a query, result defaulting to row.
func (q *QueryConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain QueryConfig
	p := plain{Result: "row"}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*q = QueryConfig(p)
	return nil
}

// StatementConfig is a named statement.
type StatementConfig struct {
	// The statement, with @name parameters.
	SQL string `yaml:"sql" schema:"required"`
}

// LookupCacheConfig configures the lookup cache; a TTL of 0 disables it.
type LookupCacheConfig struct {
	// How long a result is reused; 0s disables the cache.
	TTL component.Duration `yaml:"ttl"`
	// Most results kept.
	MaxEntries int `yaml:"max_entries" schema:"minimum=0"`
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
