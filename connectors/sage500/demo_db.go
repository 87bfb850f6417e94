package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/engine/component"
)

// CreateDemoDB creates the SQLite demo database at path (for `pipewright
// sage500 demo-db PATH`): every table of the connector's catalogue with
// Sage's column names, types and widths (CHECK constraints make SQLite
// refuse overlong values and out-of-range numbers as SQL Server would),
// seeded from the demo catalogue of connectors/internal/demo. It refuses to
// overwrite an existing file (the error wraps fs.ErrExist). Custom fields
// are not created: apply them with ApplyFields.
func CreateDemoDB(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("creating the demo database: %s: %w", path, fs.ErrExist)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating the demo database: %w", err)
	}
	_, driverDSN, err := parseDSN("sqlite:" + path + "?mode=rwc")
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", driverDSN)
	if err != nil {
		return err
	}
	err = createDemo(ctx, db, "sqlite", nil)
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

// DemoConnectionConfig returns a connection config for the demo database at
// path (company demo.CompanyID, no custom fields yet).
func DemoConnectionConfig(path string) *ConnectionConfig {
	cfg := NewConnectionConfig()
	cfg.DSN = "sqlite:" + path
	cfg.CompanyID = demo.CompanyID
	return cfg
}

// createDemo creates the catalogue's tables, runs beforeSeed when given,
// then seeds them in one transaction, on either dialect (the SQL Server
// suite uses a scratch database).
func createDemo(ctx context.Context, db *sql.DB, dialectName string, beforeSeed func() error) error {
	c, err := toolConnection(db, dialectName, demo.CompanyID, "", component.WallClock{}, time.UTC)
	if err != nil {
		return err
	}
	for _, tb := range catalog.Tables() {
		for _, stmt := range c.dialect.CreateTable(tb) {
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
	return c.inTx(ctx, seedDemo)
}
