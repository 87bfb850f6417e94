package config

import (
	"encoding/json"
	"fmt"
	"path"

	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/schemas"
)

// interpolationDef is the schema of a string holding a ${env:...} or
// ${file:...} reference, which the loader replaces before it validates.
var interpolationDef = map[string]any{
	"description": "An interpolation: ${env:NAME}, ${env:NAME:-default} or ${file:path}, replaced before validation; the value it gives must fit the field.",
	"type":        "string",
	"pattern":     `\$\{(env|file):[^}]*\}`,
}

// scalarKeywords constrain scalar values: a schema with one of them (or a
// type other than string) rejects an interpolation string as written.
var scalarKeywords = []string{"enum", "const", "pattern", "format", "minLength", "maxLength",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}

// annotations move from a wrapped schema to its wrapper, where editors read them.
var annotations = []string{"title", "description", "markdownDescription", "default", "examples", "deprecated"}

// ForEditors returns a directory-format schema (project, pipeline, mapping
// or test file) as editors and JSON Schema validators outside pipewright
// must see it: every value a file may write as an interpolation accepts
// one, and the literal form is still constrained. The engine validates
// after interpolation, against the schema as it is.
func ForEditors(doc map[string]any) map[string]any {
	out := exportNode(doc, false).(map[string]any)
	defs, _ := out["$defs"].(map[string]any)
	if defs == nil {
		defs = map[string]any{}
		out["$defs"] = defs
	}
	defs["interpolation"] = interpolationDef
	return out
}

// exportNode rewrites a schema node; top is false for the document itself.
func exportNode(v any, wrap bool) any {
	s, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(s))
	for k, c := range s {
		switch k {
		case "properties", "patternProperties", "$defs", "dependentSchemas":
			m, _ := c.(map[string]any)
			sub := make(map[string]any, len(m))
			for name, def := range m {
				sub[name] = exportNode(def, true)
			}
			out[k] = sub
		case "items", "additionalProperties", "then", "else", "contains", "unevaluatedProperties", "unevaluatedItems":
			out[k] = exportNode(c, true)
		case "allOf", "anyOf", "oneOf", "prefixItems":
			list, _ := c.([]any)
			sub := make([]any, len(list))
			for i, b := range list {
				sub[i] = exportNode(b, true)
			}
			// Branches that each accept an interpolation would all match
			// one: oneOf becomes anyOf (its branches are disjoint for literals).
			if k == "oneOf" {
				k = "anyOf"
			}
			out[k] = sub
		default: // if, not, propertyNames and plain keywords stay as they are
			out[k] = c
		}
	}
	if !wrap || !constrainsScalar(out) {
		return out
	}
	wrapper := map[string]any{}
	for _, a := range annotations {
		if x, ok := out[a]; ok {
			wrapper[a] = x
			delete(out, a)
		}
	}
	wrapper["anyOf"] = []any{out, map[string]any{"$ref": "#/$defs/interpolation"}}
	return wrapper
}

// constrainsScalar reports whether a schema would reject an interpolation
// string written in place of its value.
func constrainsScalar(s map[string]any) bool {
	for _, k := range scalarKeywords {
		if _, ok := s[k]; ok {
			return true
		}
	}
	switch t := s["type"].(type) {
	case string:
		return t != "string" && t != "object" && t != "array"
	case []any:
		for _, x := range t {
			if x == "string" {
				return false
			}
		}
		for _, x := range t {
			if x != "object" && x != "array" {
				return true
			}
		}
	}
	return false
}

// EditorSchemas returns every schema a client directory's editor and CI
// need, by file name relative to the schema folder: project.v1.json and
// pipeline.v1.json with the options of every component type in reg,
// mapping.v1.json and test.v1.json, all accepting interpolations (see
// ForEditors), and the canonical model under canonical/ as it is. Each
// keeps its stable $id (https://pipewright.dev/schemas/NAME.json).
func EditorSchemas(reg *registry.Registry) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, name := range schemas.Names() {
		file := name + ".json"
		var doc map[string]any
		var err error
		switch name {
		case "project.v1":
			doc, err = projectSchemaDoc(reg)
		case "pipeline.v1":
			doc, err = pipelineSchemaDoc(reg)
		default:
			doc, err = schemaDoc(file)
		}
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		if path.Dir(name) != "canonical" {
			if doc, err = selfContainedDoc(doc); err != nil {
				return nil, fmt.Errorf("schema %s: %w", name, err)
			}
			doc = ForEditors(doc)
		}
		data, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return nil, err
		}
		out[file] = append(data, '\n')
	}
	return out, nil
}
