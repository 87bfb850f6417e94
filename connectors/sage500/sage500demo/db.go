package sage500demo

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the demo database's driver

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// CreateDB creates the SQLite demo database at path (for `pipewright
// sage500 demo-db PATH`): every table of the connector's catalogue with
// Sage's column names, types and widths (CHECK constraints make SQLite
// refuse overlong values and out-of-range numbers as SQL Server would),
// seeded from the demo catalogue of connectors/internal/demo. It refuses to
// overwrite an existing file (the error wraps fs.ErrExist). Custom fields
// are not created: apply them with the connection's ApplyFields.
func CreateDB(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("creating the demo database: %s: %w", path, fs.ErrExist)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating the demo database: %w", err)
	}
	driverDSN, err := dialect.SQLiteDSN(path + "?mode=rwc")
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", driverDSN)
	if err != nil {
		return err
	}
	err = Create(ctx, db, "sqlite", nil)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		_ = os.Remove(path + "-wal")
		_ = os.Remove(path + "-shm")
		return fmt.Errorf("creating the demo database: %w", err)
	}
	return nil
}

// Create creates the catalogue's tables in an open database of the named
// dialect (sqlite or sqlserver), runs beforeSeed when given (the SQL Server
// test suite creates its stand-ins for Sage's procedures there), then
// seeds them in one transaction.
func Create(ctx context.Context, db *sql.DB, dialectName string, beforeSeed func() error) error {
	w, err := newWriter(db, dialectName, time.UTC, catalog.Env{Now: time.Now(), User: "pipewright", Company: demo.CompanyID})
	if err != nil {
		return err
	}
	for _, tb := range catalog.Tables() {
		for _, stmt := range w.d.CreateTable(tb) {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("creating %s: %w", tb.Name, err)
			}
		}
	}
	if beforeSeed != nil {
		if err := beforeSeed(); err != nil {
			return err
		}
	}
	return w.inTx(ctx, seed)
}

// OpenDB opens the SQLite demo database at path with the connector's
// SQLite settings (WAL, IMMEDIATE write transactions, a busy timeout).
func OpenDB(path string) (*sql.DB, error) {
	driverDSN, err := dialect.SQLiteDSN(path)
	if err != nil {
		return nil, err
	}
	return sql.Open("sqlite", driverDSN)
}

// ConnectionConfig returns a sage500 connection config for the demo
// database at path (company demo.CompanyID, no custom fields yet).
func ConnectionConfig(path string) *sage500.ConnectionConfig {
	cfg := sage500.NewConnectionConfig()
	cfg.DSN = "sqlite:" + path
	cfg.CompanyID = demo.CompanyID
	return cfg
}
