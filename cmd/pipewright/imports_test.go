package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// module is the import path of the repository's module.
const module = "github.com/pipewright/pipewright"

// goPackage is what the import rules need of `go list -json`.
type goPackage struct {
	ImportPath   string
	Imports      []string // direct imports of the package's own files
	Deps         []string // every package it depends on, transitively
	TestImports  []string // direct imports of its internal tests
	XTestImports []string // direct imports of its external (_test) tests
}

// importRules checks the layering of the repository and returns one line
// per violation:
//
//   - the engine (engine/...) imports no connector, directly or not, and
//     neither do its tests: they use the fakes of engine/componenttest;
//   - a connector (connectors/NAME/...) imports no other connector, in code
//     or tests; what connectors share lives in connectors/internal;
//   - production packages depend on no demo package, directly or not. Demo
//     packages are named for it: a last path element that is "demo", ends
//     in "demo" or is "simulator" (connectors/internal/demo,
//     connectors/sage500/sage500demo, connectors/spapi/simulator). They may
//     use each other; only the binary (cmd/...) registers them, and tests
//     may use them.
func importRules(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		tests := slices.Concat(p.TestImports, p.XTestImports)
		switch {
		case under(rel, "engine"):
			for _, dep := range slices.Concat(p.Deps, tests) {
				if d := strings.TrimPrefix(dep, module+"/"); under(d, "connectors") {
					out = append(out, fmt.Sprintf("%s depends on %s: the engine and its tests use no connector (engine/componenttest has fakes)", rel, d))
				}
			}
		case under(rel, "connectors"):
			own := connector(rel)
			for _, imp := range slices.Concat(p.Imports, tests) {
				d := strings.TrimPrefix(imp, module+"/")
				if other := connector(d); other != "" && other != own && other != "internal" && !isDemo(d) {
					out = append(out, fmt.Sprintf("%s imports %s: a connector imports no other connector (share code in connectors/internal)", rel, d))
				}
			}
		}
		if under(rel, "cmd") || isDemo(rel) {
			continue
		}
		for _, dep := range p.Deps {
			if d := strings.TrimPrefix(dep, module+"/"); dep != d && isDemo(d) {
				out = append(out, fmt.Sprintf("%s depends on %s: production code uses no demo package (only cmd registers them)", rel, d))
			}
		}
	}
	return out
}

// under reports whether the module-relative path rel is dir or below it.
func under(rel, dir string) bool { return rel == dir || strings.HasPrefix(rel, dir+"/") }

// connector returns the connector a module-relative path belongs to
// ("internal" for the shared packages), or "" outside connectors/.
func connector(rel string) string {
	rest, ok := strings.CutPrefix(rel, "connectors/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// isDemo reports whether a module-relative path is a demo package or below
// one.
func isDemo(rel string) bool {
	if !strings.HasPrefix(rel, "connectors/") && !strings.HasPrefix(rel, "engine/") {
		return false
	}
	for _, elem := range strings.Split(rel, "/") {
		if strings.HasSuffix(elem, "demo") || elem == "simulator" {
			return true
		}
	}
	return false
}

// goTool is the go command running the tests.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// listPackages runs `go list -json` on every package of the module.
func listPackages(t *testing.T) []goPackage {
	t.Helper()
	cmd := exec.Command(goTool(), "list", "-json=ImportPath,Imports,Deps,TestImports,XTestImports", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestImports_follow_the_layering(t *testing.T) {
	pkgs := listPackages(t)
	require.NotEmpty(t, pkgs)
	var demo, listed []string
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		listed = append(listed, rel)
		if isDemo(rel) {
			demo = append(demo, rel)
		}
	}
	assert.Subset(t, demo, []string{"connectors/internal/demo", "connectors/sage500/sage500demo", "connectors/spapi/simulator"}, "the demo packages are recognised")
	assert.Subset(t, listed, []string{"engine/source", "engine/connectortest", "connectors/httppoll"}, "the source runner, the conformance suite and the example poller are checked")
	for _, v := range importRules(pkgs) {
		t.Error(v)
	}
}

// Each rule catches its violation (and the allowed imports pass).
func TestImportRules_catch_each_violation(t *testing.T) {
	m := func(rel string) string { return module + "/" + rel }
	tests := []struct {
		name string
		pkg  goPackage
		want string
	}{
		{"engine importing a connector through a dependency", goPackage{ImportPath: m("engine/service"), Deps: []string{"fmt", m("engine/component"), m("connectors/file")}},
			"engine/service depends on connectors/file"},
		{"engine test importing a connector", goPackage{ImportPath: m("engine/config"), XTestImports: []string{m("connectors/sage500")}},
			"engine/config depends on connectors/sage500"},
		{"connector importing another", goPackage{ImportPath: m("connectors/sage500"), Imports: []string{m("connectors/spapi/models")}},
			"connectors/sage500 imports connectors/spapi/models"},
		{"connector test importing another", goPackage{ImportPath: m("connectors/file"), XTestImports: []string{m("connectors/httpconn")}},
			"connectors/file imports connectors/httpconn"},
		{"production code depending on the simulator", goPackage{ImportPath: m("connectors/spapi"), Deps: []string{m("connectors/spapi/simulator")}},
			"connectors/spapi depends on connectors/spapi/simulator"},
		{"production code depending on the demo catalogue", goPackage{ImportPath: m("connectors/sage500"), Deps: []string{m("connectors/internal/demo")}},
			"connectors/sage500 depends on connectors/internal/demo"},
		{"the source runner depending on a connector", goPackage{ImportPath: m("engine/source"), Deps: []string{m("engine/component"), m("connectors/internal/webhook")}},
			"engine/source depends on connectors/internal/webhook"},
		{"the conformance suite's tests importing a connector", goPackage{ImportPath: m("engine/connectortest"), XTestImports: []string{m("connectors/httppoll")}},
			"engine/connectortest depends on connectors/httppoll"},
		{"the engine depending on a demo package", goPackage{ImportPath: m("engine/config"), Deps: []string{m("connectors/sage500/sage500demo")}},
			"engine/config depends on connectors/sage500/sage500demo: production code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := importRules([]goPackage{tc.pkg})
			require.NotEmpty(t, got)
			assert.True(t, slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, tc.want) }), "%q not in %q", tc.want, got)
		})
	}
	allowed := []goPackage{
		{ImportPath: m("connectors/spapi"), Imports: []string{m("connectors/internal/webhook"), m("connectors/spapi/models")}, XTestImports: []string{m("connectors/spapi/simulator")}},
		{ImportPath: m("connectors/spapi/simulator"), Deps: []string{m("connectors/internal/demo"), m("connectors/spapi/models")}},
		{ImportPath: m("connectors/sage500/sage500demo"), Imports: []string{m("connectors/sage500")}, Deps: []string{m("connectors/internal/demo")}},
		{ImportPath: m("cmd/pipewright/internal/cli"), Deps: []string{m("connectors/spapi/simulator"), m("connectors/sage500/sage500demo")}},
		{ImportPath: m("engine/service"), XTestImports: []string{m("engine/componenttest")}},
		{ImportPath: m("engine/service"), Imports: []string{m("engine/source")}},
		{ImportPath: m("connectors/httppoll"), Imports: []string{m("engine/component")}, XTestImports: []string{m("engine/connectortest"), m("engine/source")}},
		{ImportPath: m("connectors/sage500/sage500demo"), XTestImports: []string{m("engine/connectortest"), m("connectors/sage500")}},
	}
	assert.Empty(t, importRules(allowed))
}

// shadowing returns one line per package of pkgs whose name is the name of
// a public standard-library package in std (import path → name): a reader
// of `runtime.Engine` or `http.Source` should not have to wonder which.
func shadowing(pkgs map[string]string, std map[string]string) []string {
	stdNames := map[string]string{}
	for path, name := range std {
		if !strings.Contains(path, "internal") && !strings.Contains(path, "vendor") && name != "main" {
			stdNames[name] = path
		}
	}
	var out []string
	for path, name := range pkgs {
		if stdPath, ok := stdNames[name]; ok {
			out = append(out, fmt.Sprintf("%s is package %s, like the standard library's %s", strings.TrimPrefix(path, module+"/"), name, stdPath))
		}
	}
	slices.Sort(out)
	return out
}

// packageNames runs `go list` and returns import path → package name.
func packageNames(t *testing.T, pattern string) map[string]string {
	t.Helper()
	out, err := exec.Command(goTool(), "list", "-f", "{{.ImportPath}} {{.Name}}", pattern).Output()
	require.NoError(t, err, "go list %s", pattern)
	names := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, name, _ := strings.Cut(line, " ")
		names[path] = name
	}
	return names
}

func TestPackages_are_not_named_like_the_standard_library(t *testing.T) {
	std := packageNames(t, "std")
	require.Contains(t, std, "runtime")
	assert.Empty(t, shadowing(packageNames(t, module+"/..."), std))
	// The rule catches what it is for.
	assert.Equal(t, []string{"engine/runtime is package runtime, like the standard library's runtime"},
		shadowing(map[string]string{module + "/engine/runtime": "runtime", module + "/engine/service": "service"}, std))
}
