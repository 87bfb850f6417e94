package component

import (
	"fmt"
	"io/fs"
	"path"
)

// SchemaFileName is the name of the file holding a component type's
// generated options schema: <kind>.<type>.json, e.g. source.file.json.
func SchemaFileName(kind Kind, typ Type) string {
	return fmt.Sprintf("%s.%s.json", kind, typ)
}

// EmbeddedSchema returns a factory's generated options schema from the
// files its package embeds (//go:embed schema): schema/<kind>.<type>.json,
// written by the engine's schema generator from the config struct (see
// engine/component/schemagen). It panics when the file is missing, a
// build mistake the schema tests report.
func EmbeddedSchema(files fs.FS, kind Kind, typ Type) []byte {
	data, err := fs.ReadFile(files, path.Join("schema", SchemaFileName(kind, typ)))
	if err != nil {
		panic(fmt.Sprintf("%s %s: %v", kind, typ, err))
	}
	return data
}
