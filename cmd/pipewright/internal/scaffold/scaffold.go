// Package scaffold creates a client directory for `pipewright init`: the
// reference directory (pipelines/sage500-amazon, copied into reference/ by
// go generate; a test keeps the copy identical) or its orders flow alone,
// with schema modelines that point into the client directory, a README for
// the client, and CI files for GitHub Actions and GitLab CI. Without the
// demo the directory is safe for production: it declares no demo
// component (the SP-API simulator connection and the demo warehouse are
// left out) and the amazon connection talks to Amazon.
package scaffold

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:generate sh -c "rm -rf reference && cp -r ../../../../pipelines/sage500-amazon reference"

//go:embed reference files
var content embed.FS

// Templates are the names Options.Template takes.
var Templates = []string{"reference", "minimal"}

// SchemaDir is where the client directory keeps the JSON Schemas its
// files' modelines name, relative to the directory.
const SchemaDir = ".pipewright/schemas"

// Options configures Create.
type Options struct {
	// Template is "reference" (every flow) or "minimal" (the orders flow).
	Template string
	// Demo keeps the SP-API simulator and the demo warehouse in, as
	// `make run` has them.
	Demo bool
	// Name is the project name.
	Name string
	// Version is the pipewright version the CI files install (a module
	// version such as v1.2.3, or "latest").
	Version string
	// Schemas are the editor schemas by file name (config.EditorSchemas).
	Schemas map[string][]byte
}

// minimalFiles are the reference files the orders flow needs (every
// table, so that the project file's table options all have a file).
var minimalFiles = regexp.MustCompile(`^(pipewright\.yaml|orders\.yaml|mappings/(amazon-order-to-canonical|canonical-order-to-sage500)\.yaml|tables/.*|tests/orders\.yaml|tests/fixtures/orders/.*)$`)

var projectName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// ProjectName makes a project name from a directory name, or reports that
// it cannot.
func ProjectName(dir string) (string, error) {
	base := strings.ToLower(filepath.Base(filepath.Clean(dir)))
	name := strings.Trim(regexp.MustCompile(`[^a-z0-9-]+`).ReplaceAllString(base, "-"), "-")
	if !projectName.MatchString(name) {
		return "", fmt.Errorf("cannot make a project name from %q: give one with -name (lower-case letters, digits and -, starting with a letter)", base)
	}
	return name, nil
}

// Create writes the client directory dir, which must not exist or be empty.
func Create(dir string, opts Options) error {
	if !projectName.MatchString(opts.Name) {
		return fmt.Errorf("project name %q: want lower-case letters, digits and -, starting with a letter, at most 40", opts.Name)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: init never overwrites files", dir)
	}
	files, err := referenceFiles(opts)
	if err != nil {
		return err
	}
	for name, data := range opts.Schemas {
		files[path.Join(SchemaDir, name)] = data
	}
	extra, err := clientFiles(opts)
	if err != nil {
		return err
	}
	for name, data := range extra {
		files[name] = data
	}
	return WriteFiles(dir, files)
}

// WriteFiles writes files (by slash-separated path) under dir, creating
// the folders they need.
func WriteFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// referenceFiles are the template's files, adapted to the client.
func referenceFiles(opts Options) (map[string][]byte, error) {
	if opts.Template != "reference" && opts.Template != "minimal" {
		return nil, fmt.Errorf("unknown template %q (templates: %s)", opts.Template, strings.Join(Templates, ", "))
	}
	files := map[string][]byte{}
	err := fs.WalkDir(content, "reference", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "reference/")
		switch {
		case opts.Template == "minimal" && !minimalFiles.MatchString(rel):
			return nil
		case rel == "demo-warehouse.yaml" && !opts.Demo:
			return nil // demo only: it ships orders in the demo database
		}
		data, err := fs.ReadFile(content, p)
		if err != nil {
			return err
		}
		if data, err = adapt(rel, data, opts); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		files[rel] = data
		return nil
	})
	return files, err
}

// demoSimulator is the reference's amazon-simulator connection: its
// comment and options up to the blank line after them; simulatorURL is
// where it listens and the amazon connection's endpoints point by default.
var demoSimulator = regexp.MustCompile(`(?s)  # DEMO: the SP-API simulator[^\n]*\n(?:  #[^\n]*\n)*  amazon-simulator:\n(?:    [^\n]*\n)+\n`)

const simulatorURL = "http://127.0.0.1:8790"

var modeline = regexp.MustCompile(`(# yaml-language-server: \$schema=)(?:\.\./)*schemas/([a-z0-9./-]+\.json)`)

// adapt rewrites one reference file for the client: modelines point into
// the client's schema folder; the project file gets the client's name and,
// without the demo, no simulator: the amazon connection's endpoints are
// Amazon's unless SPAPI_ENDPOINT and SPAPI_LWA_ENDPOINT say otherwise.
func adapt(rel string, data []byte, opts Options) ([]byte, error) {
	depth := strings.Count(rel, "/")
	data = modeline.ReplaceAll(data, []byte("${1}"+strings.Repeat("../", depth)+SchemaDir+"/${2}"))
	if rel != "pipewright.yaml" {
		return data, nil
	}
	edits := [][2]string{{"project: sage500-amazon\n", "project: " + opts.Name + "\n"}}
	if !opts.Demo {
		block := demoSimulator.Find(data)
		if block == nil {
			return nil, fmt.Errorf("the reference changed: no amazon-simulator connection after a # DEMO comment")
		}
		edits = append(edits, [2]string{string(block), ""},
			[2]string{"${env:SPAPI_ENDPOINT:-" + simulatorURL + "}", "${env:SPAPI_ENDPOINT:-}"},
			[2]string{"${env:SPAPI_LWA_ENDPOINT:-" + simulatorURL + "/auth/o2/token}", "${env:SPAPI_LWA_ENDPOINT:-}"})
	}
	for _, e := range edits {
		if bytes.Count(data, []byte(e[0])) != 1 {
			return nil, fmt.Errorf("the reference changed: %q is not there once", e[0])
		}
		data = bytes.Replace(data, []byte(e[0]), []byte(e[1]), 1)
	}
	return data, nil
}

// clientFiles are the files a client directory has beside the template's:
// its README, CI files and .gitignore, from files/.
func clientFiles(opts Options) (map[string][]byte, error) {
	out := map[string][]byte{}
	for src, dst := range map[string]string{
		"files/README.md.tmpl":      "README.md",
		"files/github.yml.tmpl":     ".github/workflows/pipewright.yml",
		"files/gitlab-ci.yml.tmpl":  ".gitlab-ci.yml",
		"files/gitignore.tmpl":      ".gitignore",
		"files/production.env.tmpl": "deploy/production.env",
	} {
		t, err := template.ParseFS(content, src)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, opts); err != nil {
			return nil, err
		}
		out[dst] = b.Bytes()
	}
	return out, nil
}
