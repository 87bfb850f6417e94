package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/pipewright/pipewright/engine/config"
)

// envLookup returns the lookup for ${env:NAME}: the values of the env file
// at path (when given) over the process environment.
func envLookup(path string) (config.Lookup, error) {
	if path == "" {
		return os.LookupEnv, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the env file: %w", err)
	}
	vals, err := parseEnvFile(path, data)
	if err != nil {
		return nil, err
	}
	return func(name string) (string, bool) {
		if v, ok := vals[name]; ok {
			return v, true
		}
		return os.LookupEnv(name)
	}, nil
}

// parseEnvFile reads NAME=value lines as systemd's EnvironmentFile, Docker's
// --env-file and most .env tools write them: blank lines and # comments are
// skipped, "export " is allowed before a name, and a value in single or
// double quotes loses its quotes (double-quoted values take Go escapes).
func parseEnvFile(path string, data []byte) (map[string]string, error) {
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("%s:%d: want NAME=value", path, n)
		}
		value = strings.TrimSpace(value)
		switch {
		case len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"':
			unq, err := strconv.Unquote(value)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s: bad double-quoted value", path, n, name)
			}
			value = unq
		case len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'':
			value = value[1 : len(value)-1]
		}
		vals[name] = value
	}
	return vals, sc.Err()
}
