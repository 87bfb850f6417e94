package config

import (
	"net/url"
	"strings"
)

// dsnPasswords returns the passwords in a connection string, as written and
// percent-decoded: the user-info password of a URL
// (sqlserver://user:password@host, nats://user:password@host) and the values
// of password= and pwd= parameters, in a URL's query or in an ADO or ODBC
// string (server=host;user id=sa;password=...). Everything else in the
// string (scheme, user, host, database, file path) is not a secret.
func dsnPasswords(dsn string) []string {
	var raw []string
	params := dsn
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		authority, query, _ := strings.Cut(rest, "?")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(authority[:at], ":"); ok {
				raw = append(raw, pw)
			}
		}
		params = query
	}
	for _, kv := range strings.FieldsFunc(params, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, ok := strings.Cut(kv, "=")
		if k = strings.ToLower(strings.TrimSpace(k)); ok && (k == "password" || k == "pwd") {
			raw = append(raw, strings.Trim(strings.TrimSpace(v), `{}"'`))
		}
	}
	var out []string
	for _, pw := range raw {
		if pw == "" {
			continue
		}
		out = append(out, pw)
		if dec, err := url.QueryUnescape(pw); err == nil && dec != pw {
			out = append(out, dec)
		}
	}
	return out
}
