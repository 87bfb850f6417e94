package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// MinSecretLen is the length below which a secret value is not redacted:
// replacing a two-letter value everywhere would garble every message, and a
// value that short protects nothing.
const MinSecretLen = 6

// secretMode is the compiled value of the x-secret keyword.
type secretMode string

const (
	secretWhole secretMode = "whole"
	secretDSN   secretMode = "dsn"
)

// Validate accepts every value: x-secret is an annotation.
func (secretMode) Validate(jsonschema.ValidationContext, any) error { return nil }

// secretCompiler compiles x-secret keywords. Other values than true and
// "dsn" are schema errors, reported by validate wherever the component is
// used: a misspelt declaration never silently leaves a secret unprotected.
type secretCompiler struct{}

// Compile returns the mode of m's x-secret keyword, or nil without one.
func (secretCompiler) Compile(_ jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	v, ok := m[component.SecretKeyword]
	if !ok {
		return nil, nil
	}
	switch v {
	case true:
		return secretWhole, nil
	case string(secretDSN):
		return secretDSN, nil
	}
	return nil, fmt.Errorf("%s must be true or %q, not %v", component.SecretKeyword, secretDSN, v)
}

// addSecretKeyword makes c compile x-secret annotations.
func addSecretKeyword(c *jsonschema.Compiler) {
	c.RegisterExtension(component.SecretKeyword, nil, secretCompiler{})
}

// secrets collects the secret values of one Load.
type secrets map[string]bool

// add records a secret value. A multi-line value (a key file) is also
// recorded line by line, since messages often quote one line.
func (s secrets) add(v string) {
	if len(v) >= MinSecretLen {
		s[v] = true
	}
	if strings.Contains(v, "\n") {
		for _, line := range strings.Split(v, "\n") {
			if line = strings.TrimSpace(line); len(line) >= MinSecretLen {
				s[line] = true
			}
		}
	}
}

// sorted returns the values, longest first, so that a secret containing
// another is replaced whole.
func (s secrets) sorted() []string {
	out := make([]string, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// collectDeclared walks the options node n with its schema and records the
// values at places the schema declares secret.
func (s secrets) collectDeclared(sch *jsonschema.Schema, n *yaml.Node) {
	if sch == nil || n == nil {
		return
	}
	n = resolveAlias(n)
	switch sch.Extensions[component.SecretKeyword] {
	case secretWhole:
		s.addLeaves(n)
	case secretDSN:
		if n.Kind == yaml.ScalarNode {
			for _, pw := range dsnPasswords(n.Value) {
				s.add(pw)
			}
		}
	}
	for _, sub := range []*jsonschema.Schema{sch.Ref, sch.DynamicRef, sch.RecursiveRef, sch.Then, sch.Else} {
		s.collectDeclared(sub, n)
	}
	for _, group := range [][]*jsonschema.Schema{sch.AllOf, sch.AnyOf, sch.OneOf} {
		for _, sub := range group {
			s.collectDeclared(sub, n)
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			for _, sub := range memberSchemas(sch, n.Content[i].Value) {
				s.collectDeclared(sub, n.Content[i+1])
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			s.collectDeclared(itemSchema(sch, i), item)
		}
	}
}

// addLeaves records every scalar at or below n.
func (s secrets) addLeaves(n *yaml.Node) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode {
		s.add(n.Value)
	}
	for i, c := range n.Content {
		if n.Kind != yaml.MappingNode || i%2 == 1 {
			s.addLeaves(c)
		}
	}
}

// memberSchemas returns the schemas that apply to the object member key.
func memberSchemas(sch *jsonschema.Schema, key string) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	if p, ok := sch.Properties[key]; ok {
		out = append(out, p)
	}
	for re, p := range sch.PatternProperties {
		if re.MatchString(key) {
			out = append(out, p)
		}
	}
	if ap, ok := sch.AdditionalProperties.(*jsonschema.Schema); ok && len(out) == 0 {
		out = append(out, ap)
	}
	return out
}

// itemSchema returns the schema of array item i (drafts 2020-12 and older).
func itemSchema(sch *jsonschema.Schema, i int) *jsonschema.Schema {
	if i < len(sch.PrefixItems) {
		return sch.PrefixItems[i]
	}
	if sch.Items2020 != nil {
		return sch.Items2020
	}
	switch items := sch.Items.(type) {
	case *jsonschema.Schema:
		return items
	case []*jsonschema.Schema:
		if i < len(items) {
			return items[i]
		}
	}
	if ai, ok := sch.AdditionalItems.(*jsonschema.Schema); ok {
		return ai
	}
	return nil
}
