package config

import (
	"github.com/pipewright/pipewright/engine/expr"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// mappingFile is a parsed mapping file, shared by the steps that use it.
type mappingFile struct {
	f  *yamlFile
	ok bool
}

// mapStep compiles a map step: from a mapping file or inline let/output.
func (l *loader) mapStep(f *yamlFile, ptr string, d *mapDoc, vars []string) *MapStep {
	hasOutput := !d.Output.IsZero()
	switch {
	case d.File != "" && (hasOutput || len(d.Let) > 0):
		l.add(f.at(ptr, "give either file or let/output, not both"))
		return nil
	case d.File == "" && !hasOutput:
		l.add(f.at(ptr, "missing output (or file: a mapping file)"))
		return nil
	}
	ms := &MapStep{File: d.File, Merge: d.Merge}
	src, let, out := f, d.Let, d.Output.Node()
	if d.File != "" {
		mf := l.mappingFile(f, ptr+"/file", d.File)
		if mf == nil {
			return nil
		}
		var doc struct {
			Let orderedExprs `yaml:"let"`
		}
		if err := mf.f.root.Decode(&doc); err != nil {
			l.add(mf.f.at("/let", "%v", err))
			return nil
		}
		src, let, out = mf.f, doc.Let, mappingValue(mf.f.root, "output")
	}
	scope := append([]string(nil), vars...)
	outer := l.compiler.shapes
	defer func() { l.compiler.shapes = outer }()
	for _, b := range let {
		if builtinVars[b.Name] || slices.Contains(scope, b.Name) {
			l.add(src.atNode(b.Key, "let %q would hide a variable of the same name", b.Name))
			continue
		}
		prog := l.compiler.expr(src, b.Expr.Node(), l.compiler.env(scope))
		ms.Let = append(ms.Let, LetBinding{Name: b.Name, Prog: prog})
		l.compiler.shapes = l.compiler.withShape(b.Name, prog.Shape())
		scope = append(scope, b.Name)
	}
	ms.Output = l.compiler.template(src, out, l.compiler.env(scope))
	return ms
}

// outputShape is the shape of the body a map step makes: the keys of its
// output when it writes a mapping (the body is replaced, not merged).
func (m *MapStep) outputShape() *expr.Shape {
	if m == nil || m.Merge || m.Output == nil {
		return nil
	}
	return m.Output.shape()
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

// validateStep resolves a schema reference: canonical/NAME.vN from the
// embedded model, or a JSON Schema file under the directory.
func (l *loader) validateStep(f *yamlFile, ptr, ref string) *ValidateStep {
	url := schemaBase + strings.TrimSuffix(ref, ".json") + ".json"
	if !strings.HasPrefix(ref, "canonical/") {
		path := filepath.Join(l.dir, ref)
		l.read[path] = true
		data, err := os.ReadFile(path)
		if err != nil {
			l.add(f.at(ptr, "schema file %q not found", ref))
			return nil
		}
		url = "file://" + filepath.ToSlash(path)
		if err := l.schemas.addComponent(url, data); err != nil {
			l.add(f.at(ptr, "schema file %q: %v", ref, err))
			return nil
		}
	} else if _, ok := l.schemas.docs[url]; !ok {
		l.add(f.at(ptr, "unknown canonical schema %q (known: %s)", ref, strings.Join(canonicalNames(), ", ")))
		return nil
	}
	sch, err := l.schemas.get(url)
	if err != nil {
		l.add(f.at(ptr, "schema %q does not compile: %v", ref, err))
		return nil
	}
	return &ValidateStep{Schema: ref, Validate: bodyValidator(sch)}
}
