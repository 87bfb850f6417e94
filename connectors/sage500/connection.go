package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	// The two drivers the DSN selects between.
	_ "github.com/microsoft/go-mssqldb"
	_ "modernc.org/sqlite"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// Connection is a sage500 connection: a database pool speaking the dialect
// its DSN selects, with the connection's custom fields, named queries and
// statements and a lookup cache. It is safe for concurrent use.
type Connection struct {
	cfg        *ConnectionConfig
	log        *slog.Logger
	clock      component.Clock
	dialect    dialect.Dialect
	db         *sql.DB
	loc        *time.Location
	fields     map[string]*fieldSet
	queries    map[string]*namedSQL
	statements map[string]*namedSQL
	stmts      *stmtCache
	inserts    sync.Map // insertKey -> INSERT statement
	lookups    *lookupCache
	metrics    *connMetrics
}

var (
	_ component.Connection    = (*Connection)(nil)
	_ component.HealthChecker = (*Connection)(nil)
	_ component.Lookuper      = (*Connection)(nil)
)

// openConnection opens the pool a validated config describes. Nothing is
// sent to the database until the connection is used.
func openConnection(set component.Settings, cfg *ConnectionConfig) (*Connection, error) {
	name, driverDSN, err := parseDSN(cfg.DSN)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	d, err := dialect.New(name, loc)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(d.DriverName(), driverDSN)
	if err != nil {
		return nil, fmt.Errorf("opening the %s database: %s", name, redact(err.Error(), cfg.DSN))
	}
	db.SetMaxOpenConns(cfg.Pool.MaxOpen)
	db.SetMaxIdleConns(cfg.Pool.MaxIdle)
	db.SetConnMaxLifetime(cfg.Pool.MaxLifetime.D())
	return newConnection(set, cfg, db, d)
}

// newConnection wraps an open pool (leaving its limits alone): tools pass
// theirs, tests one with a recording driver.
func newConnection(set component.Settings, cfg *ConnectionConfig, db *sql.DB, d dialect.Dialect) (*Connection, error) {
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	m, err := newConnMetrics(set.Metrics)
	if err != nil {
		return nil, err
	}
	c := &Connection{
		cfg: cfg, log: set.Logger, clock: set.Clock, dialect: d, db: db, loc: loc,
		fields:     newFieldSets(cfg.CustomFields),
		stmts:      newStmtCache(db),
		queries:    map[string]*namedSQL{},
		statements: map[string]*namedSQL{},
		lookups:    newLookupCache(cfg.LookupCache.TTL.D(), cfg.LookupCache.MaxEntries),
		metrics:    m,
	}
	for name, q := range cfg.Queries {
		c.queries[name] = newNamedSQL(name, q.SQL, q.Result, q.Types)
	}
	for name, s := range cfg.Statements {
		c.statements[name] = newNamedSQL(name, s.SQL, "", nil)
	}
	return c, nil
}

// Start checks that the database answers and that the custom fields are in
// place. Neither is fatal: an unreachable database makes components wait
// (their errors are retryable), and readiness reports it.
func (c *Connection) Start(ctx context.Context) error {
	if err := c.Check(ctx); err != nil {
		c.log.Warn("sage500 database not reachable at start", "dialect", c.dialect.Name(), "error", err)
		return nil
	}
	diff, err := c.DiffFields(ctx)
	switch {
	case err != nil:
		c.log.Warn("sage500 custom fields could not be checked", "error", err)
	case len(diff.Changes) > 0 || len(diff.Conflicts) > 0:
		c.log.Warn("sage500 custom fields differ from the database; run pipewright sage500 fields --apply", "changes", len(diff.Changes), "conflicts", len(diff.Conflicts))
	}
	return nil
}

// Shutdown closes the pool.
func (c *Connection) Shutdown(context.Context) error {
	err := c.db.Close()
	c.stmts.close()
	return err
}

// Check pings the database; an unreachable database is a retryable error.
func (c *Connection) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.db.PingContext(ctx); err != nil {
		return component.Retryable(fmt.Errorf("sage500 database unreachable: %s", redact(err.Error(), c.cfg.DSN)))
	}
	return nil
}

// DB returns the connection's pool, for tools such as the demo warehouse.
func (c *Connection) DB() *sql.DB { return c.db }

// Dialect names the connection's database: "sqlserver" or "sqlite".
func (c *Connection) Dialect() string { return c.dialect.Name() }

// Location is the zone of the database's datetime columns (time_zone).
func (c *Connection) Location() *time.Location { return c.loc }
