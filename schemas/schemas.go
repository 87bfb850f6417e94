// Package schemas embeds pipewright's JSON Schemas: the directory format
// (project, pipeline, mapping and test files) and the canonical data model
// under canonical/. Editors pick them up through a yaml-language-server
// modeline; the engine validates every file against them.
package schemas

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.json canonical/*.json
var files embed.FS

// FS returns the embedded schema files.
func FS() fs.FS { return files }

// Names lists the schema names: "project.v1", "pipeline.v1", ...,
// "canonical/sales-order.v1", sorted.
func Names() []string {
	var names []string
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".json" {
			names = append(names, strings.TrimSuffix(p, ".json"))
		}
		return err
	})
	sort.Strings(names)
	return names
}

// Get returns the schema with the given name (as Names lists it; the
// ".json" suffix is optional).
func Get(name string) ([]byte, bool) {
	data, err := files.ReadFile(strings.TrimSuffix(name, ".json") + ".json")
	return data, err == nil
}
