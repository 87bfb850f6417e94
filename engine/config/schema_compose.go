package config

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/schemas"
)

// PipelineSchema returns the pipeline file schema with the options of every
// source and sink type in reg, self-contained, for editors (see ForEditors).
func PipelineSchema(reg *registry.Registry) ([]byte, error) {
	return editorJSON(pipelineSchemaDoc(reg))
}

// ProjectSchema returns the project file schema with the options of every
// connection type in reg, self-contained, for editors (see ForEditors).
func ProjectSchema(reg *registry.Registry) ([]byte, error) {
	return editorJSON(projectSchemaDoc(reg))
}

// editorJSON makes a composed schema self-contained and editor-ready.
func editorJSON(doc map[string]any, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if doc, err = selfContainedDoc(doc); err != nil {
		return nil, err
	}
	return json.MarshalIndent(ForEditors(doc), "", "  ")
}

// pipelineSchemaDoc is the pipeline file schema with every source and sink
// type's options.
func pipelineSchemaDoc(reg *registry.Registry) (map[string]any, error) {
	doc, err := schemaDoc("pipeline.v1.json")
	if err != nil {
		return nil, err
	}
	defs := doc["$defs"].(map[string]any)
	for _, kind := range []component.Kind{component.KindSource, component.KindSink} {
		def := defs[kind.String()].(map[string]any)
		props := map[string]any{}
		for _, t := range reg.Types(kind) {
			f, _ := reg.Lookup(kind, t)
			opts, err := componentSchema(f, connectionTypeOf(f) != "")
			if err != nil {
				return nil, err
			}
			props[string(t)] = hoistDefs(opts, defs, kind.String()+"."+string(t))
		}
		def["properties"] = props
		def["additionalProperties"] = false
	}
	return doc, nil
}

// projectSchemaDoc is the project file schema with every connection type's
// options.
func projectSchemaDoc(reg *registry.Registry) (map[string]any, error) {
	doc, err := schemaDoc("project.v1.json")
	if err != nil {
		return nil, err
	}
	defs := doc["$defs"].(map[string]any)
	conn := defs["connection"].(map[string]any)
	var types []any
	var cases []any
	for _, t := range reg.Types(component.KindConnection) {
		f, _ := reg.Lookup(component.KindConnection, t)
		opts, err := componentSchema(f, false)
		if err != nil {
			return nil, err
		}
		props, _ := opts["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			opts["properties"] = props
		}
		props["type"] = map[string]any{"const": string(t)}
		types = append(types, string(t))
		cases = append(cases, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"const": string(t)}}},
			"then": hoistDefs(opts, defs, "connection."+string(t)),
		})
	}
	conn["properties"].(map[string]any)["type"].(map[string]any)["enum"] = types
	conn["allOf"] = cases
	return doc, nil
}

// hoistDefs moves an embedded component schema's own $defs into the
// document's $defs under prefix, rewriting its local references, so they
// still resolve once the schema is nested.
func hoistDefs(opts, defs map[string]any, prefix string) map[string]any {
	own, _ := opts["$defs"].(map[string]any)
	if len(own) == 0 {
		return opts
	}
	delete(opts, "$defs")
	rewrite := func(v any) any { return rewriteRefs(v, "#/$defs/", "#/$defs/"+prefix+".") }
	for name, def := range own {
		defs[prefix+"."+name] = rewrite(def)
	}
	return rewrite(opts).(map[string]any)
}

func rewriteRefs(v any, from, to string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			if s, ok := c.(string); ok && k == "$ref" && strings.HasPrefix(s, from) {
				out[k] = to + strings.TrimPrefix(s, from)
				continue
			}
			out[k] = rewriteRefs(c, from, to)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = rewriteRefs(c, from, to)
		}
		return out
	}
	return v
}

// componentSchema returns a factory's options schema, with a connection
// property when the type needs one.
func componentSchema(f component.Factory, withConnection bool) (map[string]any, error) {
	var opts map[string]any
	if err := json.Unmarshal(f.Schema(), &opts); err != nil {
		return nil, fmt.Errorf("%s %s schema: %w", f.Kind(), f.Type(), err)
	}
	delete(opts, "$schema")
	delete(opts, "$id")
	if withConnection {
		props, _ := opts["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			opts["properties"] = props
		}
		props["connection"] = map[string]any{"type": "string", "description": "Name of the connection (from the project file) this component uses."}
		if _, optional := f.(component.ConnectionOptional); !optional {
			req, _ := opts["required"].([]any)
			opts["required"] = append(req, "connection")
		}
	}
	return opts, nil
}

func schemaDoc(name string) (map[string]any, error) {
	data, ok := schemas.Get(name)
	if !ok {
		return nil, fmt.Errorf("no embedded schema %s", name)
	}
	var doc map[string]any
	return doc, json.Unmarshal(data, &doc)
}

// selfContainedDoc copies definitions referenced in other embedded schemas
// ("other.v1.json#/$defs/x") into the document's own $defs.
func selfContainedDoc(doc map[string]any) (map[string]any, error) {
	defs, _ := doc["$defs"].(map[string]any)
	if defs == nil {
		defs = map[string]any{}
		doc["$defs"] = defs
	}
	var walk func(v any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && !strings.HasPrefix(ref, "#") {
				file, frag, _ := strings.Cut(ref, "#")
				name := strings.TrimSuffix(file, ".json") + "." + strings.TrimPrefix(frag, "/$defs/")
				name = strings.ReplaceAll(name, "/", ".")
				x["$ref"] = "#/$defs/" + name
				if _, done := defs[name]; !done {
					other, err := schemaDoc(file)
					if err != nil {
						return err
					}
					def := other["$defs"].(map[string]any)[strings.TrimPrefix(frag, "/$defs/")]
					defs[name] = rebase(def, file)
					if err := walk(defs[name]); err != nil {
						return err
					}
				}
			}
			for _, c := range x {
				if err := walk(c); err != nil {
					return err
				}
			}
		case []any:
			for _, c := range x {
				if err := walk(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// rebase makes the local refs ("#/$defs/y") of a definition copied from
// file point at that file, so selfContained copies them too.
func rebase(v any, file string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			if s, ok := c.(string); ok && k == "$ref" && strings.HasPrefix(s, "#") {
				out[k] = file + s
				continue
			}
			out[k] = rebase(c, file)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = rebase(c, file)
		}
		return out
	}
	return v
}
