// Package config loads a pipeline directory: the project file, pipeline
// files, mapping files, lookup tables and test files. It parses YAML to nodes
// (keeping positions), interpolates ${env:...} and ${file:...}, rejects unknown
// keys, validates against the embedded JSON Schemas and each component's own
// schema, decodes into typed structs, checks references between files, and
// compiles every CEL expression. Every problem is reported at once, sorted, as
// file:line:col: message.
package config
