package schemagen

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// typeDocs are the doc comments of one named struct type.
type typeDocs struct {
	doc    string
	fields map[string]string
}

// docIndex reads doc comments from the Go source of the module's packages.
type docIndex struct {
	root, module string
	pkgs         map[string]map[string]typeDocs
}

// newDocIndex finds the module enclosing the working directory.
func newDocIndex() (*docIndex, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			mod := modulePath(data)
			if mod == "" {
				return nil, fmt.Errorf("%s: no module line", filepath.Join(dir, "go.mod"))
			}
			return &docIndex{root: dir, module: mod, pkgs: map[string]map[string]typeDocs{}}, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, errors.New("schemagen: no go.mod above the working directory")
		}
		dir = parent
	}
}

// dir returns the directory of a package of the module.
func (x *docIndex) dir(pkgPath string) (string, error) {
	if pkgPath != x.module && !strings.HasPrefix(pkgPath, x.module+"/") {
		return "", fmt.Errorf("package %s is outside module %s", pkgPath, x.module)
	}
	return filepath.Join(x.root, filepath.FromSlash(strings.TrimPrefix(pkgPath, x.module))), nil
}

// lookup returns the doc comments of a named type.
func (x *docIndex) lookup(pkgPath, name string) (typeDocs, error) {
	types, ok := x.pkgs[pkgPath]
	if !ok {
		dir, err := x.dir(pkgPath)
		if err != nil {
			return typeDocs{}, err
		}
		if types, err = parseDocs(dir); err != nil {
			return typeDocs{}, err
		}
		x.pkgs[pkgPath] = types
	}
	d, ok := types[name]
	if !ok {
		return typeDocs{}, fmt.Errorf("type %s not found in the source of %s", name, pkgPath)
	}
	return d, nil
}

// parseDocs reads the doc comments of the types the package in dir
// declares, in its Go files and its internal test files (so that the
// generator's own tests can declare configs).
func parseDocs(dir string) (map[string]typeDocs, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	types := map[string]typeDocs{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(f.Name.Name, "_test") {
			continue // an external test package: other types than the path's
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gen.Specs) == 1 {
					doc = gen.Doc
				}
				td := typeDocs{doc: describeType(ts.Name.Name, doc.Text()), fields: map[string]string{}}
				if st, ok := ts.Type.(*ast.StructType); ok {
					for _, fld := range st.Fields.List {
						for _, n := range fld.Names {
							td.fields[n.Name] = describe(n.Name, fld.Doc.Text())
						}
					}
				}
				types[ts.Name.Name] = td
			}
		}
	}
	return types, nil
}

// describeType is the description of a type: the paragraphs after the
// first when there are several (the first is for Go readers: "SinkConfig
// configures the file sink."), else as describe makes it.
func describeType(name, doc string) string {
	first, rest, ok := strings.Cut(strings.TrimSpace(doc), "\n\n")
	if !ok || strings.TrimSpace(rest) == "" {
		return describe(name, first)
	}
	return describe(name, rest)
}

// describe turns the doc comment of the Go name into a description: the
// lines of a paragraph joined, without a leading "<name> is" or "<name>
// are" ("BatchSize is how many ..." becomes "How many ...").
func describe(name, doc string) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	text := strings.Join(paras, "\n\n")
	for _, verb := range []string{" is ", " are "} {
		if rest, ok := strings.CutPrefix(text, name+verb); ok && rest != "" {
			runes := []rune(rest)
			runes[0] = unicode.ToUpper(runes[0])
			return string(runes)
		}
	}
	return text
}

// modulePath returns the path of a go.mod file's module line.
func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
