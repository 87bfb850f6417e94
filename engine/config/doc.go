// Package config loads a pipeline directory: the project file, pipeline
// files, mapping files, lookup tables and test files. It parses YAML to nodes
// (keeping positions), interpolates ${env:...} and ${file:...}, rejects unknown
// keys, validates against the embedded JSON Schemas and each component's own
// schema, decodes into typed structs, checks references between files, and
// compiles every CEL expression. Every problem is reported at once, sorted, as
// file:line:col: message.
//
// Steps are compiled by their kind. Each kind is one file, step_<kind>.go,
// registered in the table of step_kinds.go: it declares the JSON Schema of
// its value (the steps part of schemas/pipeline.v1.json is generated from
// these, see PipelineSchemaWithSteps), decodes and checks the value at
// load, runs compiled steps (Step.Run, called by the engine's executor
// with a StepEnv), and, for steps that reach outside the message, says
// what a pipeline test case feeds them (TestCase.StepEnv).
package config
