package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// Schemer is implemented by option types that declare their own schema,
// such as a size written as a number or a string with a unit. The result
// may omit "description": the field's doc comment provides it.
type Schemer interface {
	JSONSchema() map[string]any
}

// Extender is implemented by config structs that add keywords the tags
// cannot express (oneOf, dependentRequired, anyOf) to their generated
// schema.
type Extender interface {
	JSONSchemaExtend(schema map[string]any)
}

var (
	durationType = reflect.TypeOf(component.Duration(0))
	exprType     = reflect.TypeOf(component.Expr{})
	templateType = reflect.TypeOf(component.Template{})
	schemerType  = reflect.TypeOf((*Schemer)(nil)).Elem()
	extenderType = reflect.TypeOf((*Extender)(nil)).Elem()
)

// Generate returns the JSON Schema (draft 2020-12) of f's options, indented,
// ending in a newline: what File names once it is up to date.
func Generate(f component.Factory) ([]byte, error) {
	docs, err := newDocIndex()
	if err != nil {
		return nil, err
	}
	cfg := reflect.ValueOf(f.NewConfig())
	if cfg.Kind() != reflect.Pointer || cfg.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s %s: NewConfig returns %s, want a pointer to a struct", f.Kind(), f.Type(), cfg.Type())
	}
	g := generator{docs: docs}
	root, err := g.object(cfg.Elem().Type(), cfg.Elem(), string(f.Type()))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", f.Kind(), f.Type(), err)
	}
	if root["description"], err = g.typeDoc(cfg.Elem().Type()); err != nil {
		return nil, fmt.Errorf("%s %s: %w", f.Kind(), f.Type(), err)
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// generator builds schemas from Go types.
type generator struct {
	docs *docIndex
}

// typeDoc is the description of a named type, required.
func (g generator) typeDoc(t reflect.Type) (string, error) {
	d, err := g.docs.lookup(t.PkgPath(), t.Name())
	if err != nil {
		return "", err
	}
	if d.doc == "" {
		return "", fmt.Errorf("type %s has no doc comment", t.Name())
	}
	return d.doc, nil
}

// object is the schema of a struct: its yaml keys as properties, v holding
// the defaults.
func (g generator) object(t reflect.Type, v reflect.Value, path string) (map[string]any, error) {
	props := map[string]any{}
	var required []any
	if err := g.fields(t, v, path, props, &required); err != nil {
		return nil, err
	}
	s := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if t.Implements(extenderType) {
		reflect.Zero(t).Interface().(Extender).JSONSchemaExtend(s)
	} else if reflect.PointerTo(t).Implements(extenderType) {
		reflect.New(t).Interface().(Extender).JSONSchemaExtend(s)
	}
	return s, nil
}

// fields adds the properties of t's fields, merging inline ones.
func (g generator) fields(t reflect.Type, v reflect.Value, path string, props map[string]any, required *[]any) error {
	var docs typeDocs
	if t.NumField() > 0 {
		var err error
		if docs, err = g.docs.lookup(t.PkgPath(), t.Name()); err != nil {
			return err
		}
	}
	for i := range t.NumField() {
		fld := t.Field(i)
		name, opts, _ := strings.Cut(fld.Tag.Get("yaml"), ",")
		if opts == "inline" {
			if err := g.fields(fld.Type, v.Field(i), path, props, required); err != nil {
				return err
			}
			continue
		}
		if !fld.IsExported() || name == "" || name == "-" {
			continue
		}
		at := path + "." + name
		desc := docs.fields[fld.Name]
		if desc == "" {
			return fmt.Errorf("%s (%s.%s) has no doc comment", at, t.Name(), fld.Name)
		}
		cons, err := parseTags(fld.Tag, isContainer(fld.Type))
		if err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		s, err := g.value(fld.Type, v.Field(i), at, cons)
		if err != nil {
			return err
		}
		s["description"] = desc
		props[name] = s
		if cons.required {
			*required = append(*required, name)
		}
	}
	return nil
}

// isContainer reports whether t is a list or a map option.
func isContainer(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(schemerType) || t == templateType {
		return false
	}
	return t.Kind() == reflect.Slice || t.Kind() == reflect.Map
}

// value is the schema of one option of type t holding v (its default).
func (g generator) value(t reflect.Type, v reflect.Value, path string, cons constraints) (map[string]any, error) {
	s, err := g.typed(t, v, path, cons.elem)
	if err != nil {
		return nil, err
	}
	maps.Copy(s, cons.own)
	typedEnum(s)
	if def, ok := defaultOf(t, v); ok && s[component.SecretKeyword] == nil {
		s["default"] = def
	}
	return s, nil
}

// typed is the schema of type t without the field's own constraints; elem
// are the constraints of a list's or map's elements.
func (g generator) typed(t reflect.Type, v reflect.Value, path string, elem map[string]any) (map[string]any, error) {
	switch {
	case t == durationType:
		return map[string]any{"type": "string", "pattern": component.DurationPattern}, nil
	case t == exprType:
		return map[string]any{"type": "string"}, nil
	case t == templateType:
		return map[string]any{}, nil
	case t.Implements(schemerType):
		return maps.Clone(reflect.Zero(t).Interface().(Schemer).JSONSchema()), nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsValid() && !v.IsNil() {
			return g.typed(t.Elem(), v.Elem(), path, elem)
		}
		return g.typed(t.Elem(), decodedEmpty(t.Elem()), path, elem)
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.Struct:
		return g.object(t, v, path)
	case reflect.Slice, reflect.Map:
		if t.Kind() == reflect.Map && t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%s: map keys must be strings, not %s", path, t.Key())
		}
		items, err := g.element(t.Elem(), path+".*", elem)
		if err != nil {
			return nil, err
		}
		if t.Kind() == reflect.Slice {
			return map[string]any{"type": "array", "items": items}, nil
		}
		return map[string]any{"type": "object", "additionalProperties": items}, nil
	}
	return nil, fmt.Errorf("%s: no schema for Go type %s", path, t)
}

// element is the schema of a list's or a map's elements, with the
// constraints the field's tags give them.
func (g generator) element(t reflect.Type, path string, cons map[string]any) (map[string]any, error) {
	s, err := g.typed(t, decodedEmpty(t), path, nil)
	if err != nil {
		return nil, err
	}
	maps.Copy(s, cons)
	typedEnum(s)
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Kind() == reflect.Struct && base.Name() != "" && base != exprType && base != templateType && base.PkgPath() != "" {
		if d, err := g.docs.lookup(base.PkgPath(), base.Name()); err == nil && d.doc != "" {
			s["description"] = d.doc
		}
	}
	return s, nil
}

// decodedEmpty is what decoding an empty mapping into a new t gives: the
// defaults of a list's or map's element, or of a pointer left nil.
func decodedEmpty(t reflect.Type) reflect.Value {
	p := reflect.New(t)
	if t.Kind() == reflect.Struct {
		var empty yaml.Node
		if yaml.Unmarshal([]byte("{}"), &empty) == nil && empty.Content[0].Decode(p.Interface()) != nil {
			return reflect.Zero(t)
		}
	}
	return p.Elem()
}
