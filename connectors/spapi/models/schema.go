package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// model is one embedded Swagger model with its operations. Its definitions
// become one draft-04 JSON Schema document, compiled on first use.
type model struct {
	file, api, version string
	definitions        map[string]json.RawMessage
	ops                []*Operation

	mu       sync.Mutex // guards compiler: jsonschema.Compiler is not concurrent
	once     sync.Once
	compiler *jsonschema.Compiler
	initErr  error
}

// schemaBase is the URL under which model documents are registered; it is
// never fetched.
const schemaBase = "https://models.spapi.pipewright.invalid/api/"

// Swagger 2.0 schemas are draft-04 JSON Schema plus keywords that do not
// validate. Inline schemas of operations (request bodies, responses) are
// stored as extra definitions named with this prefix, so their "$ref":
// "#/definitions/..." resolve inside the same document.
const syntheticPrefix = "pipewright."

func (op *Operation) bodyDefinition() string { return syntheticPrefix + op.ID + ".body" }

func (op *Operation) responseDefinition(status int) string {
	return syntheticPrefix + op.ID + "." + strconv.Itoa(status)
}

// addSchema stores an operation's inline schema as a definition.
func (m *model) addSchema(name string, raw json.RawMessage) {
	if m.definitions == nil {
		m.definitions = map[string]json.RawMessage{}
	}
	m.definitions[name] = raw
}

// compile returns the compiled schema of a definition.
func (m *model) compile(name string) (*jsonschema.Schema, error) {
	m.once.Do(m.init)
	if m.initErr != nil {
		return nil, m.initErr
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	sch, err := m.compiler.Compile(schemaBase + m.file + "#/definitions/" + name)
	if err != nil {
		return nil, fmt.Errorf("compiling %s of %s: %w", name, m.file, err)
	}
	return sch, nil
}

func (m *model) init() {
	defs := make(map[string]any, len(m.definitions))
	for name, raw := range m.definitions {
		v, err := decodeJSON(raw)
		if err != nil {
			m.initErr = fmt.Errorf("%s: definition %s: %w", m.file, name, err)
			return
		}
		defs[name] = swaggerToJSONSchema(v)
	}
	doc, err := json.Marshal(map[string]any{"definitions": defs})
	if err != nil {
		m.initErr = fmt.Errorf("%s: %w", m.file, err)
		return
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	if err := c.AddResource(schemaBase+m.file, bytes.NewReader(doc)); err != nil {
		m.initErr = fmt.Errorf("%s: %w", m.file, err)
		return
	}
	m.compiler = c
}

// swaggerToJSONSchema turns a Swagger 2.0 schema into draft-04 JSON Schema:
// vendor extensions (x-*) and the non-validating "example" are dropped;
// property and definition names are kept as they are. Everything else
// Swagger allows in a schema is draft-04 already.
func swaggerToJSONSchema(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			switch {
			case strings.HasPrefix(k, "x-") || k == "example":
			case k == "enum" || k == "default":
				out[k] = e
			case k == "properties" || k == "definitions" || k == "patternProperties":
				out[k] = mapValues(e, swaggerToJSONSchema)
			default:
				out[k] = swaggerToJSONSchema(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = swaggerToJSONSchema(e)
		}
		return out
	}
	return v
}

func mapValues(v any, f func(any) any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return f(v)
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = f(e)
	}
	return out
}

// decodeJSON decodes one JSON document keeping numbers exact (json.Number),
// as the validator expects.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}
