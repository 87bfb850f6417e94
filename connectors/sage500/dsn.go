package sage500

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

// parseDSN returns the dialect a DSN selects and what to give its driver.
func parseDSN(dsn string) (dialectName, driverDSN string, err error) {
	switch {
	case strings.HasPrefix(dsn, "sqlserver://"):
		if _, err := url.Parse(dsn); err != nil {
			return "", "", errors.New("the sqlserver:// DSN is not a valid URL")
		}
		return "sqlserver", dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqliteDSN(strings.TrimPrefix(dsn, "sqlite:"))
	}
	return "", "", errors.New("want sqlserver://... or sqlite:PATH")
}

func sqliteDSN(rest string) (string, string, error) {
	path, rawQuery, _ := strings.Cut(rest, "?")
	if path == "" {
		return "", "", errors.New("sqlite: needs a file path, e.g. sqlite:data/sage500-demo.db")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", "", errors.New("the sqlite: DSN has invalid options after ?")
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
	return "sqlite", u.String(), nil
}

// redact removes a DSN's password (in its user part, or a password query
// parameter as go-mssqldb also accepts) from an error message.
func redact(msg, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return msg
	}
	var secrets []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
		}
	}
	for k, vs := range u.Query() {
		if strings.EqualFold(k, "password") {
			secrets = append(secrets, vs...)
		}
	}
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}
