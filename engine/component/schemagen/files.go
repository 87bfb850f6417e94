package schemagen

import (
	"fmt"
	"path/filepath"
	"reflect"

	"github.com/pipewright/pipewright/engine/component"
)

// Dir is the directory, beside a factory's Go files, that holds its
// generated schema; the factory embeds it (//go:embed schema) and returns
// component.EmbeddedSchema(files, kind, type).
const Dir = "schema"

// File returns the path of f's generated schema: schema/<kind>.<type>.json
// in the directory of the package that declares f's type.
func File(f component.Factory) (string, error) {
	docs, err := newDocIndex()
	if err != nil {
		return "", err
	}
	t := reflect.TypeOf(f)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	dir, err := docs.dir(t.PkgPath())
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", f.Kind(), f.Type(), err)
	}
	return filepath.Join(dir, Dir, component.SchemaFileName(f.Kind(), f.Type())), nil
}
