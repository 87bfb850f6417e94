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

// reference is one ${env:...} or ${file:...} of a file and its value ("" when
// it could not be resolved).
type reference struct {
	text  string // as written, e.g. ${env:NAME:-default}
	kind  string // env or file
	name  string // the variable's name or the file's path
	value string
}

// path is a file reference's path: name, relative to dir unless absolute.
func (r reference) path(dir string) string {
	if filepath.IsAbs(r.name) {
		return r.name
	}
	return filepath.Join(dir, r.name)
}

var refPattern = regexp.MustCompile(`\$\{(env|file):([^}:]*)(:-([^}]*))?\}`)

// interpolate replaces ${env:NAME}, ${env:NAME:-default} and ${file:path} in
// every scalar of the file. Plain scalars that change get their YAML type
// re-resolved, so `enabled: ${env:X:-true}` is a boolean. Every reference is
// remembered with its value (see secrets.go: which of them are secret) and
// every replaced scalar with where its value came from (sourceAt).
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
					f.refs = append(f.refs, reference{text: ref, kind: kind, name: name, value: v})
					sources = append(sources, name+"'s value")
					f.setWithDefault = f.setWithDefault || hasDefault
					return v
				}
				if hasDefault {
					f.refs = append(f.refs, reference{text: ref, kind: kind, name: name, value: def})
					sources = append(sources, "the default of "+name)
					return def
				}
				f.refs = append(f.refs, reference{text: ref, kind: kind, name: name})
				failed = true
				problems = append(problems, f.atNode(n, "environment variable %s is not set (give a default with ${env:%s:-value})", name, name))
			case "file":
				data, err := os.ReadFile(reference{name: name}.path(dir))
				if err != nil {
					failed = true
					problems = append(problems, f.atNode(n, "cannot read %s for %s: %v", name, ref, pathError(err)))
					return ""
				}
				v := strings.TrimRight(string(data), "\r\n")
				f.refs = append(f.refs, reference{text: ref, kind: kind, name: name, value: v})
				sources = append(sources, "the content of "+name)
				return v
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
		// An empty value stays an empty string, not null; an explicit !!str
		// (an AWS account id of digits) stays a string.
		explicitStr := n.Style&yaml.TaggedStyle != 0 && n.Tag == "!!str"
		if out != "" && !explicitStr && (n.Style == 0 || n.Style == yaml.TaggedStyle || refPattern.FindString(orig) == orig) {
			n.Tag = ""
			n.Style = 0
			n.Tag = n.ShortTag()
		}
		f.sources[ptr] = valueSource{what: strings.Join(sources, ", "), text: orig}
	}
	return problems
}

// valueSource says where the value of an interpolated scalar came from.
type valueSource struct {
	what string // "NAME's value", "the default of NAME", "the content of path", joined
	text string // the scalar as written, with its references
}

// sourceAt returns where the value at line:col came from, when it was
// interpolated.
func (f *yamlFile) sourceAt(line, col int) (valueSource, bool) {
	for ptr, src := range f.sources {
		if n := f.nodes[ptr]; n.Line == line && n.Column == col {
			return src, true
		}
	}
	return valueSource{}, false
}

// pathError drops the path from an *os.PathError (the caller names it).
func pathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
