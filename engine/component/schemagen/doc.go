// Package schemagen generates a component's options schema from its one
// declaration: the config struct its factory's NewConfig returns.
//
//   - Properties are the struct's yaml keys (inline fields are merged), at
//     every level: nested structs, pointers, lists and maps of them. Every
//     object rejects unknown keys.
//   - Types follow the Go types: string, integer, number, boolean, array,
//     object; component.Duration is a string matching
//     component.DurationPattern, component.Expr a string (a CEL
//     expression), component.Template any YAML value. A type with a
//     JSONSchema() map[string]any method declares its own schema.
//   - Descriptions are the doc comments, read from the package's Go source:
//     a field's for its property, the config type's for the whole schema
//     (its paragraphs after the first when it has several: the first is for
//     Go readers). A leading "<GoName> is" or "<GoName> are" is dropped
//     ("BatchSize is how many messages ..." becomes "How many messages
//     ..."). A property without a doc comment is an error.
//   - Constraints come from the `schema` struct tag, comma-separated:
//     required, secret or secret=dsn (the component.SecretKeyword
//     annotation), enum=a|b, type=string|number (replacing the Go type),
//     minimum=, maximum=, exclusiveMinimum=, minLength=, maxLength=,
//     minItems=, maxItems=, uniqueItems, const=. The `pattern` tag holds a
//     regular expression, the `keys` tag one that a map's keys match. On a
//     list or a map, minItems, maxItems and uniqueItems constrain the list
//     and every other constraint its elements.
//   - Defaults are the values NewConfig returns (never a secret's); for the
//     elements of lists and maps and the target of a nil pointer, what
//     decoding {} gives (zero values unless the type's UnmarshalYAML starts
//     from defaults). Zero values are not declared defaults.
//   - A list's or map's element of a named struct type is described by the
//     type's doc comment, as the whole schema is by the config type's.
//   - A struct with a JSONSchemaExtend(map[string]any) method adds what tags
//     cannot say (oneOf, dependentRequired) to its generated schema.
//
// Factories embed the generated file (File names it) and return it from
// Schema; componenttest.SchemaIsGenerated fails when it is out of date.
package schemagen
