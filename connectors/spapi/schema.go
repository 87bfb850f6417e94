package spapi

import (
	"encoding/json"

	"github.com/pipewright/pipewright/engine/component"
)

// Option schemas are built from these helpers so that shared option groups
// (marketplaces; the webhook options come from connectors/internal/webhook)
// are declared once. Every property carries a description; objects reject
// unknown keys.

type jsonSchema = map[string]any

func object(desc string, props jsonSchema, required ...string) jsonSchema {
	o := jsonSchema{"type": "object", "description": desc, "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string) jsonSchema { return jsonSchema{"type": "string", "description": desc} }

// secret is a string option holding a secret: the engine keeps its value
// out of logs, errors, metrics and dead letters.
func secret(desc string) jsonSchema {
	return jsonSchema{"type": "string", "description": desc, component.SecretKeyword: true}
}

func strEnum(desc string, values ...string) jsonSchema {
	return jsonSchema{"type": "string", "description": desc, "enum": values}
}

func duration(desc string) jsonSchema {
	return jsonSchema{"type": "string", "pattern": component.DurationPattern, "description": desc}
}

func integer(desc string, minimum int) jsonSchema {
	return jsonSchema{"type": "integer", "minimum": minimum, "description": desc}
}

func number(desc string) jsonSchema {
	return jsonSchema{"type": "number", "exclusiveMinimum": 0, "description": desc}
}

func boolean(desc string) jsonSchema { return jsonSchema{"type": "boolean", "description": desc} }

func list(desc string, items jsonSchema) jsonSchema {
	return jsonSchema{"type": "array", "description": desc, "items": items}
}

func mapOf(desc string, values jsonSchema) jsonSchema {
	return jsonSchema{"type": "object", "description": desc, "additionalProperties": values}
}

// celExpr is a CEL expression option.
func celExpr(desc string) jsonSchema { return str(desc + " (CEL expression)") }

// celTemplate is a YAML value whose string leaves are CEL expressions.
func celTemplate(desc string) jsonSchema {
	return jsonSchema{"description": desc + " (YAML whose string leaves are CEL expressions)"}
}

func marketplaceList(desc string) jsonSchema {
	return list(desc, jsonSchema{"type": "string", "pattern": marketplacePattern, "description": "A marketplace id, e.g. ATVPDKIKX0DER."})
}

// marketplacePattern matches Amazon marketplace ids.
const marketplacePattern = `^[A-Z0-9]{9,15}$`

func schemaDocument(root jsonSchema) []byte {
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	data, err := json.Marshal(root)
	if err != nil {
		panic(err) // maps of strings and numbers: cannot fail
	}
	return data
}
