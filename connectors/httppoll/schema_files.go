package httppoll

import "embed"

// schemaFiles holds the options schemas generated from the config structs
// (make schemas, see engine/component/schemagen); the factories return them.
//
//go:embed schema
var schemaFiles embed.FS
