package dialect

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
)

// classify marks the errors both dialects share: a lost or refused
// connection and a timed-out operation are retryable.
func classify(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if component.IsPermanent(err) || component.IsRetryable(err) {
		return true, err
	}
	var netErr net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		return true, component.Retryable(err)
	}
	return false, err
}

// SQLite result codes (https://www.sqlite.org/rescode.html).
const (
	sqliteError      = 1
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteIOErr      = 10
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteConstraint = 19
	sqliteMismatch   = 20
	sqliteUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)

type coder interface{ Code() int }

func (*sqlite) Classify(err error) error {
	if done, out := classify(err); done {
		return out
	}
	var c coder
	if !errors.As(err, &c) {
		return err
	}
	switch c.Code() & 0xff {
	case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteFull, sqliteCantOpen:
		return component.Retryable(err)
	case sqliteConstraint, sqliteMismatch:
		return component.Permanent(err)
	case sqliteError:
		// A missing table or column is a database not set up yet (custom
		// fields not applied): wait for it rather than dead-letter.
		if msg := err.Error(); strings.Contains(msg, "no such table") || strings.Contains(msg, "no such column") {
			return component.Retryable(err)
		}
	}
	return err
}

func (*sqlite) IsUniqueViolation(err error) bool {
	var c coder
	return errors.As(err, &c) && (c.Code() == sqliteUnique || c.Code() == sqlitePrimaryKey)
}

type sqlErrorNumber interface{ SQLErrorNumber() int32 }

// SQL Server error numbers and what they mean for a retry.
var mssqlErrors = map[int32]bool{
	1205: true, 1222: true, 4060: true, 18456: true, 40613: true, 40501: true, 40197: true, // deadlock, lock timeout, database unavailable, login, Azure throttling
	208: true, 207: true, 2812: true, // invalid object, column, procedure: not set up yet
	2627: false, 2601: false, 515: false, 547: false, // duplicate key, NULL into NOT NULL, constraint
	8152: false, 2628: false, 8114: false, 245: false, 8115: false, // truncation, conversion, overflow
}

func (*mssql) Classify(err error) error {
	if done, out := classify(err); done {
		return out
	}
	var n sqlErrorNumber
	if !errors.As(err, &n) {
		return err
	}
	retry, known := mssqlErrors[n.SQLErrorNumber()]
	switch {
	case !known:
		return err
	case retry:
		return component.Retryable(err)
	}
	return component.Permanent(err)
}

func (*mssql) IsUniqueViolation(err error) bool {
	var n sqlErrorNumber
	return errors.As(err, &n) && (n.SQLErrorNumber() == 2627 || n.SQLErrorNumber() == 2601)
}
