package config

import (
	"os"
	"path/filepath"
	"strings"
)

// mappingFile is a parsed mapping file, shared by the steps that use it.
type mappingFile struct {
	f  *yamlFile
	ok bool
}

// mappingFile parses (once) the mapping file at rel, a path under the
// directory, referenced at ptr of f.
func (l *loader) mappingFile(f *yamlFile, ptr, rel string) *mappingFile {
	path := filepath.Join(l.dir, rel)
	if mf, ok := l.mappings[path]; ok {
		return okMapping(mf)
	}
	if filepath.IsAbs(rel) || strings.HasPrefix(filepath.Clean(rel), "..") {
		l.add(f.at(ptr, "mapping file %q must be a path inside the pipeline directory", rel))
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		l.add(f.at(ptr, "mapping file %q not found", rel))
		l.mappings[path] = &mappingFile{}
		return nil
	}
	mf := &mappingFile{}
	mf.f, mf.ok = l.parse(path, "mapping.v1.json")
	l.mappings[path] = mf
	return okMapping(mf)
}

func okMapping(mf *mappingFile) *mappingFile {
	if mf.f == nil || !mf.ok {
		return nil
	}
	return mf
}
