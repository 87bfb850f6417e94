package dialect

import (
	"errors"
	"net/url"
	"strings"
)

// SQLite options the connector sets unless the DSN does: write transactions
// begin IMMEDIATE so that concurrent writers queue instead of failing, WAL
// lets readers run beside the writer, a busy timeout makes writers wait,
// synchronous=FULL makes a commit durable before a sink acknowledges (NORMAL
// is faster and survives a crash of the process, not of the machine), and
// mode=rw refuses to create a missing database (that is an unreachable
// database, not an empty one).
var sqliteDefaults = [][2]string{
	{"mode", "rw"},
	{"_txlock", "immediate"},
	{"_busy_timeout", "10000"},
	{"_journal_mode", "WAL"},
	{"_synchronous", "FULL"},
}

// SQLiteDSN returns the driver DSN (a file: URL) of what follows "sqlite:"
// in a connection's DSN: a path with optional ?options, to which it adds
// the connector's SQLite options the DSN does not set.
func SQLiteDSN(rest string) (string, error) {
	path, rawQuery, _ := strings.Cut(rest, "?")
	if path == "" {
		return "", errors.New("sqlite: needs a file path, e.g. sqlite:data/sage500-demo.db")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", errors.New("the sqlite: DSN has invalid options after ?")
	}
	for _, kv := range sqliteDefaults {
		if !q.Has(kv[0]) {
			q.Set(kv[0], kv[1])
		}
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	if !strings.HasPrefix(path, "/") {
		u = url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	}
	return u.String(), nil
}
