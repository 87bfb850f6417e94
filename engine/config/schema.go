package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/pipewright/pipewright/engine/expr"

	"github.com/pipewright/pipewright/schemas"
)

const schemaBase = "https://pipewright.dev/schemas/"

// schemaSet compiles embedded and component schemas once and keeps their
// JSON for "did you mean" suggestions. It belongs to one Load call. An
// embedded schema is read and parsed only when a compile or a suggestion
// first needs it: a directory uses a few of them.
type schemaSet struct {
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema
	docs     map[string]any // schema URL -> parsed JSON (an embedded one's when first asked for)
}

func newSchemaSet() *schemaSet {
	s := &schemaSet{compiler: jsonschema.NewCompiler(), compiled: map[string]*jsonschema.Schema{}, docs: map[string]any{}}
	s.compiler.Draft = jsonschema.Draft2020
	s.compiler.AssertFormat = true
	s.compiler.LoadURL = loadSchemaURL
	addSecretKeyword(s.compiler)
	return s
}

// embeddedSchema returns the embedded schema at url (schemaBase + its path).
func embeddedSchema(url string) ([]byte, bool) {
	p, ok := strings.CutPrefix(url, schemaBase)
	if !ok {
		return nil, false
	}
	data, err := fs.ReadFile(schemas.FS(), p)
	return data, err == nil
}

// loadSchemaURL gives the compiler the embedded schemas when a compile
// first refers to one, and loads other URLs as jsonschema does.
func loadSchemaURL(url string) (io.ReadCloser, error) {
	if data, ok := embeddedSchema(url); ok {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return jsonschema.LoadURL(url)
}

// known reports whether url is an added or an embedded schema.
func (s *schemaSet) known(url string) bool {
	if _, ok := s.docs[url]; ok {
		return true
	}
	_, ok := embeddedSchema(url)
	return ok
}

// doc returns the parsed JSON of the schema at url, or nil when it is
// not known.
func (s *schemaSet) doc(url string) any {
	if doc, ok := s.docs[url]; ok {
		return doc
	}
	data, ok := embeddedSchema(url)
	if !ok {
		return nil
	}
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return nil // not reached: the schema tests parse every embedded schema
	}
	s.docs[url] = doc
	return doc
}

// get compiles (once) the schema at url.
func (s *schemaSet) get(url string) (*jsonschema.Schema, error) {
	if sch, ok := s.compiled[url]; ok {
		return sch, nil
	}
	sch, err := s.compiler.Compile(url)
	if err != nil {
		return nil, err
	}
	s.compiled[url] = sch
	return sch, nil
}

// addComponent registers a component's options schema (or a directory's
// schema file) under url, once.
func (s *schemaSet) addComponent(url string, data []byte) error {
	if _, ok := s.docs[url]; ok {
		return nil
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("schema %s: %w", url, err)
	}
	s.docs[url] = doc
	return s.compiler.AddResource(url, bytes.NewReader(data))
}

// validate checks value (the node at ptr of f) against the schema at url and
// returns one problem per violation, located in f.
func (s *schemaSet) validate(f *yamlFile, ptr string, value any, url string) []Problem {
	sch, err := s.get(url)
	if err != nil {
		return []Problem{f.at(ptr, "internal error: schema %s: %v", url, err)}
	}
	err = sch.Validate(value)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []Problem{f.at(ptr, "%v", err)}
	}
	var leaves []*jsonschema.ValidationError
	collectLeaves(ve, &leaves)
	reported := map[string]bool{}
	for p := range f.bad {
		reported[p] = true
	}
	var problems []Problem
	for _, leaf := range mergeTypeErrors(leaves) {
		if reported[ptr+leaf.InstanceLocation] {
			continue // an unresolved reference, already reported
		}
		f.markBad(ptr + leaf.InstanceLocation)
		problems = append(problems, s.describe(f, ptr+leaf.InstanceLocation, leaf)...)
	}
	return explainedByTypos(problems)
}

// explainedByTypos drops "missing required key X" where an unknown key at
// the same place is reported as a typo of X: one mistake, one problem.
func explainedByTypos(problems []Problem) []Problem {
	typos := map[string]bool{}
	for _, p := range problems {
		if m := typoMsg.FindStringSubmatch(p.Message); m != nil {
			typos[m[1]] = true
		}
	}
	out := problems[:0]
	for _, p := range problems {
		if m := requiredProblem.FindStringSubmatch(p.Message); m != nil && typos[m[1]] {
			continue
		}
		out = append(out, p)
	}
	return out
}

var (
	typoMsg         = regexp.MustCompile(`^unknown key "[^"]*" \(did you mean "([^"]*)"\?\)$`)
	requiredProblem = regexp.MustCompile(`^missing required key "([^"]*)"$`)
)

func collectLeaves(ve *jsonschema.ValidationError, out *[]*jsonschema.ValidationError) {
	if len(ve.Causes) == 0 {
		*out = append(*out, ve)
		return
	}
	for _, c := range ve.Causes {
		collectLeaves(c, out)
	}
}

var typeMsg = regexp.MustCompile(`^expected (.+), but got (\w+)$`)

// mergeTypeErrors joins the type errors of oneOf branches at one location
// ("want a string or an array").
func mergeTypeErrors(leaves []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	var out []*jsonschema.ValidationError
	byLoc := map[string]*jsonschema.ValidationError{}
	for _, l := range leaves {
		m := typeMsg.FindStringSubmatch(l.Message)
		if m == nil {
			out = append(out, l)
			continue
		}
		if prev, ok := byLoc[l.InstanceLocation]; ok {
			pm := typeMsg.FindStringSubmatch(prev.Message)
			prev.Message = fmt.Sprintf("expected %s or %s, but got %s", pm[1], m[1], m[2])
			continue
		}
		c := *l
		byLoc[l.InstanceLocation] = &c
		out = append(out, &c)
	}
	return out
}

var (
	additionalMsg = regexp.MustCompile(`^additionalProperties (.+) not allowed$`)
	quotedName    = regexp.MustCompile(`'([^']*)'`)
	requiredMsg   = regexp.MustCompile(`^missing properties: (.+)$`)
)

// describe turns one schema violation into problems with plain messages.
func (s *schemaSet) describe(f *yamlFile, ptr string, ve *jsonschema.ValidationError) []Problem {
	if m := additionalMsg.FindStringSubmatch(ve.Message); m != nil {
		allowed := s.allowedKeys(ve.AbsoluteKeywordLocation)
		var problems []Problem
		for _, q := range quotedName.FindAllStringSubmatch(m[1], -1) {
			name := q[1]
			msg := fmt.Sprintf("unknown key %q", name)
			if near := expr.Closest(name, allowed); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			} else if len(allowed) > 0 && len(allowed) <= 12 {
				msg += fmt.Sprintf(" (known keys: %s)", strings.Join(allowed, ", "))
			}
			problems = append(problems, f.atKey(ptr+"/"+escapePointer(name), "%s", msg))
		}
		return problems
	}
	if m := requiredMsg.FindStringSubmatch(ve.Message); m != nil {
		var names []string
		for _, q := range quotedName.FindAllStringSubmatch(m[1], -1) {
			names = append(names, fmt.Sprintf("%q", q[1]))
		}
		return []Problem{f.at(ptr, "missing required key %s", strings.Join(names, ", "))}
	}
	if m := typeMsg.FindStringSubmatch(ve.Message); m != nil {
		return []Problem{f.at(ptr, "want %s, got %s", article(m[1]), article(m[2]))}
	}
	msg := ve.Message
	if n, ok := f.nodes[ptr]; ok && strings.HasPrefix(msg, "does not match pattern") {
		msg = fmt.Sprintf("%q %s", n.Value, msg)
	}
	return []Problem{f.at(ptr, "%s", msg)}
}

func article(types string) string {
	parts := strings.Split(types, " or ")
	for i, t := range parts {
		switch t {
		case "object":
			t = "mapping"
		case "array":
			t = "list"
		}
		if t == "null" {
			parts[i] = "null"
			continue
		}
		if strings.ContainsAny(t[:1], "aeiou") {
			parts[i] = "an " + t
		} else {
			parts[i] = "a " + t
		}
	}
	return strings.Join(parts, " or ")
}

// allowedKeys returns the property names declared next to the
// additionalProperties keyword at loc ("url#/json/pointer/additionalProperties").
func (s *schemaSet) allowedKeys(loc string) []string {
	url, frag, _ := strings.Cut(loc, "#")
	node := s.doc(url)
	if node == nil {
		return nil
	}
	for _, part := range strings.Split(strings.TrimPrefix(strings.TrimSuffix(frag, "additionalProperties"), "/"), "/") {
		if part == "" {
			continue
		}
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = m[unescapePointer(part)]
	}
	m, _ := node.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
