package sage500

import (
	"errors"
	"net/url"
	"strings"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// parseDSN returns the dialect a DSN selects and what to give its driver.
func parseDSN(dsn string) (dialectName, driverDSN string, err error) {
	switch {
	case strings.HasPrefix(dsn, "sqlserver://"):
		if _, err := url.Parse(dsn); err != nil {
			return "", "", errors.New("the sqlserver:// DSN is not a valid URL")
		}
		return "sqlserver", dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		driverDSN, err := dialect.SQLiteDSN(strings.TrimPrefix(dsn, "sqlite:"))
		return "sqlite", driverDSN, err
	}
	return "", "", errors.New("want sqlserver://... or sqlite:PATH")
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
