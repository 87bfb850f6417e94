package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Lookup resolves an environment variable; Load uses os.LookupEnv unless
// Options.LookupEnv replaces it.
type Lookup func(name string) (string, bool)

var refPattern = regexp.MustCompile(`\$\{(env|file):([^}:]*)(:-([^}]*))?\}`)

// interpolate replaces ${env:NAME}, ${env:NAME:-default} and ${file:path} in
// every scalar of the file. Plain scalars that change get their YAML type
// re-resolved, so `enabled: ${env:X:-true}` is a boolean. Replaced values are
// remembered as sensitive: problems show the reference, never the value.
// With preferDefaults a reference with a default takes it even when NAME
// is set (validate checks the defaults that way).
func (f *yamlFile) interpolate(dir string, env Lookup, preferDefaults bool) []Problem {
	var problems []Problem
	for ptr, n := range f.nodes {
		if n.Kind != yaml.ScalarNode || !strings.Contains(n.Value, "${") {
			continue
		}
		orig := n.Value
		failed := false
		var sources []string
		out := refPattern.ReplaceAllStringFunc(orig, func(ref string) string {
			m := refPattern.FindStringSubmatch(ref)
			kind, name, hasDefault, def := m[1], m[2], m[3] != "", m[4]
			switch kind {
			case "env":
				if v, ok := env(name); ok && !(preferDefaults && hasDefault) {
					sources = append(sources, name+"'s value")
					f.setWithDefault = f.setWithDefault || hasDefault
					return v
				}
				if hasDefault {
					sources = append(sources, "the default of "+name)
					return def
				}
				failed = true
				problems = append(problems, f.atNode(n, "environment variable %s is not set (give a default with ${env:%s:-value})", name, name))
			case "file":
				path := name
				if !filepath.IsAbs(path) {
					path = filepath.Join(dir, path)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					failed = true
					problems = append(problems, f.atNode(n, "cannot read %s for %s: %v", name, ref, pathError(err)))
					return ""
				}
				sources = append(sources, "the content of "+name)
				return strings.TrimRight(string(data), "\r\n")
			}
			return ""
		})
		if failed {
			f.markBad(ptr) // reported; the empty value would only add noise
			continue
		}
		if out == orig {
			continue
		}
		n.Value = out
		// A plain scalar, or a quoted one that is a single reference (flow
		// mappings need the quotes), takes the type of its value: true, 42 ...
		// An empty value stays an empty string, not null.
		if out != "" && (n.Style == 0 || n.Style == yaml.TaggedStyle || refPattern.FindString(orig) == orig) {
			n.Tag = ""
			n.Style = 0
			n.Tag = n.ShortTag()
		}
		f.interpolated[ptr] = orig
		f.sources[ptr] = strings.Join(sources, ", ") + ", from " + orig
	}
	return problems
}

// sourceNote says where the value at line:col came from, when it was
// interpolated ("SAGE_DSN's value, from ${env:SAGE_DSN:-...}"), or "".
func (f *yamlFile) sourceNote(line, col int) string {
	for ptr, note := range f.sources {
		if n := f.nodes[ptr]; n.Line == line && n.Column == col {
			return note
		}
	}
	return ""
}

// pathError drops the path from an *os.PathError (the caller names it).
func pathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// redact replaces the interpolated values that appear in msg with their
// references. Values shorter than four characters (ports, flags) are left
// alone: they are not secrets and replacing them would garble messages.
func (f *yamlFile) redact(msg string) string {
	for ptr, orig := range f.interpolated {
		if v := f.nodes[ptr].Value; len(v) >= 4 && strings.Contains(msg, v) {
			msg = strings.ReplaceAll(msg, v, orig)
		}
	}
	return msg
}
