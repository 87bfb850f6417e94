package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
)

// fingerprint hashes values (YAML node values, table rows, options) into a
// short hex string. JSON encodes maps with sorted keys, so equal values give
// equal fingerprints; a value JSON cannot encode hashes as its Go syntax.
func fingerprint(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		b, err := json.Marshal(p)
		if err != nil {
			b = fmt.Appendf(nil, "%#v", p)
		}
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// connectionFingerprint fingerprints a connection's options without the
// values the connection changes itself (component.LiveOptions), so a
// rotated secret written to its file does not restart the connection.
func connectionFingerprint(cfg any, opts any) string {
	live, ok := cfg.(component.LiveOptions)
	if !ok {
		return fingerprint(opts)
	}
	for _, path := range live.LiveOptions() {
		opts = withoutPath(opts, strings.Split(path, "."))
	}
	return fingerprint(opts)
}

// withoutPath returns v (a JSON-like value) without the member at path,
// copying the maps on the way; v itself is not changed.
func withoutPath(v any, path []string) any {
	m, ok := v.(map[string]any)
	if !ok || len(path) == 0 {
		return v
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = x
	}
	if len(path) == 1 {
		delete(out, path[0])
	} else if sub, ok := out[path[0]]; ok {
		out[path[0]] = withoutPath(sub, path[1:])
	}
	return out
}
