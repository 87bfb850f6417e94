package dialect

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	mssqldb "github.com/microsoft/go-mssqldb"

	"github.com/pipewright/pipewright/engine/component"
)

// ChangeVersions are a table's SQL Server change tracking versions, read
// in one snapshot: Current is the version of the last committed
// transaction, MinValid the oldest version whose later changes the
// change-tracking table still holds (older ones were cleaned up after the
// database's retention period).
type ChangeVersions struct {
	Current, MinValid int64
}

// ErrNoChangeTracking is returned by the SQLite dialect: change tracking is
// a SQL Server feature.
var ErrNoChangeTracking = errors.New("change tracking needs SQL Server")

// changeVersions reads CHANGE_TRACKING_CURRENT_VERSION() and the table's
// CHANGE_TRACKING_MIN_VALID_VERSION; NULL means change tracking is off for
// the database or the table, a permanent error saying what to turn on.
func (d *mssql) ChangeVersions(ctx context.Context, q Querier, table string) (ChangeVersions, error) {
	var cur, minValid sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT CHANGE_TRACKING_CURRENT_VERSION(), CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(@p1))",
		mssqldb.VarChar(table)).Scan(&cur, &minValid)
	switch {
	case err != nil:
		return ChangeVersions{}, fmt.Errorf("reading the change tracking versions of %s: %w", table, d.Classify(err))
	case !cur.Valid:
		return ChangeVersions{}, component.Permanentf("change tracking is off in this database: ALTER DATABASE <db> SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON)")
	case !minValid.Valid:
		return ChangeVersions{}, component.Permanentf("change tracking is off for table %s (or it does not exist): ALTER TABLE %s ENABLE CHANGE_TRACKING", table, table)
	}
	return ChangeVersions{Current: cur.Int64, MinValid: minValid.Int64}, nil
}

// InSnapshot runs read in a SNAPSHOT transaction on one connection of db,
// as Microsoft recommends for reading changes (the versions and the
// changes are then one consistent state, and cleanup cannot remove changes
// between the check and the read); it needs ALLOW_SNAPSHOT_ISOLATION on
// the database. The connection is set back to READ COMMITTED before it
// returns to the pool, so no later statement of the pool runs in snapshot.
func (d *mssql) InSnapshot(ctx context.Context, db *sql.DB, read func(q Querier) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return d.Classify(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSnapshot})
	if err != nil {
		return fmt.Errorf("beginning a snapshot transaction: %w", d.Classify(err))
	}
	err = read(tx)
	if err == nil {
		err = tx.Commit()
	} else {
		_ = tx.Rollback()
	}
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"); rerr != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // discarded, not reused
		if err == nil {
			err = d.Classify(rerr)
		}
	}
	return err
}

func (*sqlite) ChangeVersions(context.Context, Querier, string) (ChangeVersions, error) {
	return ChangeVersions{}, ErrNoChangeTracking
}

func (*sqlite) InSnapshot(context.Context, *sql.DB, func(Querier) error) error {
	return ErrNoChangeTracking
}
