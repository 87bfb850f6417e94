package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// stepDefsStart opens the generated part of the pipeline schema: $defs/step
// and one definition per step kind, the last entries of $defs.
const stepDefsStart = "\n    \"step\": {"

// stepDefsEnd closes $defs and the document after the generated part.
const stepDefsEnd = "\n  }\n}\n"

// PipelineSchemaWithSteps returns the pipeline file schema (the contents
// of schemas/pipeline.v1.json) with its step definitions generated from
// the step kinds: $defs/step, whose properties are name and one per kind,
// and $defs/<kind>, each kind's own schema (stepKind.schema), in the order
// of stepKinds. The rest of the document is kept as written. A test fails
// when the embedded file differs from what this returns.
func PipelineSchemaWithSteps(current []byte) ([]byte, error) {
	text := string(current)
	start := strings.Index(text, stepDefsStart)
	if start < 0 || !strings.HasSuffix(text, stepDefsEnd) {
		return nil, errors.New("pipeline schema: $defs must end with step and the step kinds' definitions")
	}
	var out bytes.Buffer
	out.WriteString(text[:start])
	defs := []struct{ name, schema string }{{"step", stepDef()}}
	for _, k := range stepKinds {
		defs = append(defs, struct{ name, schema string }{k.name(), k.schema()})
	}
	for i, d := range defs {
		if i > 0 {
			out.WriteByte(',')
		}
		fmt.Fprintf(&out, "\n    %q: ", d.name)
		if err := json.Indent(&out, []byte(d.schema), "    ", "  "); err != nil {
			return nil, fmt.Errorf("pipeline schema: %s: %w", d.name, err)
		}
	}
	out.WriteString(stepDefsEnd)
	return out.Bytes(), nil
}

// stepDef is the schema of one step: a name and exactly one kind (the
// loader reports a step with none or several).
func stepDef() string {
	names := StepKinds()
	props := []string{`"name": {"$ref": "#/$defs/name", "description": "Step name, unique in the pipeline; used by tests (mocks), metrics and dead letters."}`}
	for _, n := range names {
		props = append(props, fmt.Sprintf(`%q: {"$ref": "#/$defs/%s"}`, n, n))
	}
	desc, _ := json.Marshal(fmt.Sprintf("One step: exactly one of %s; optionally a name (default: the kind and position, e.g. map-2).", strings.Join(names, ", ")))
	return fmt.Sprintf(`{"description": %s, "type": "object", "additionalProperties": false, "minProperties": 1, "properties": {%s}}`,
		desc, strings.Join(props, ", "))
}
