package webhook

import "github.com/pipewright/pipewright/engine/component"

// SchemaProperties is the JSON Schema (draft 2020-12) of the Options keys, as
// the inside of a "properties" object without the braces, for connectors to
// splice into their own schema beside their own properties, e.g.
//
//	`"properties": {` + webhook.SchemaProperties + `, "id": {...}}`
//
// List SchemaRequired in the same object's "required".
const SchemaProperties = `"path": {"type": "string", "pattern": "` + PathPattern + `", "description": "Path the webhook is served at on the engine's HTTP server, e.g. /hooks/orders; must start with /hooks/."},
    "auth": {
      "type": "object",
      "additionalProperties": false,
      "description": "How senders authenticate; exactly one of token (with header), hmac, or none: true. There is no default: an endpoint is never open by accident.",
      "properties": {
        "header": {"type": "string", "pattern": "` + HeaderPattern + `", "description": "Header carrying the token (default X-Hook-Token); with Authorization the token is the whole value, e.g. Bearer abc."},
        "token": {"type": "string", "minLength": 1, "x-secret": true, "description": "Shared secret the header must hold, compared in constant time. Use ${env:NAME}; at least 32 random characters are recommended."},
        "hmac": {
          "type": "object",
          "additionalProperties": false,
          "required": ["secret"],
          "description": "HMAC-SHA256 signature (hex, optionally prefixed sha256=) of timestamp + \".\" + body; the timestamp (Unix seconds or RFC 3339) must be within tolerance of the wall clock (not the engine clock, which may run accelerated: senders sign with wall-clock time).",
          "properties": {
            "secret": {"type": "string", "minLength": 1, "x-secret": true, "description": "Signing key. Use ${env:NAME}."},
            "signature_header": {"type": "string", "pattern": "` + HeaderPattern + `", "description": "Header carrying the signature (default X-Signature)."},
            "timestamp_header": {"type": "string", "pattern": "` + HeaderPattern + `", "description": "Header carrying the signed timestamp (default X-Timestamp)."},
            "tolerance": {"type": "string", "pattern": "` + component.DurationPattern + `", "description": "Largest accepted distance between the timestamp and the wall clock, in the past or the future (replay protection; default 5m, at most 1h)."}
          }
        },
        "none": {"const": true, "description": "Accept unauthenticated requests. Development only; a warning is logged at start."}
      },
      "oneOf": [{"required": ["token"]}, {"required": ["hmac"]}, {"required": ["none"]}],
      "dependentRequired": {"header": ["token"]}
    },
    "max_body": {"type": ["integer", "string"], "minimum": 1, "pattern": "` + ByteSizePattern + `", "description": "Largest accepted body, in bytes or with a unit (KB, KiB, MB, MiB; default 1MiB, at most 32MiB); larger bodies are answered 413."},
    "schema": {"type": "string", "minLength": 1, "description": "JSON Schema file, relative to the pipeline directory, that every body must match; violations are answered 400."}`

// SchemaRequired lists the required Options keys, as the inside of a
// "required" array without the brackets.
const SchemaRequired = `"path", "auth"`
