package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/registry"
)

// Options configures Load.
type Options struct {
	// Registry resolves component types; required.
	Registry *registry.Registry
	// LookupEnv resolves ${env:NAME}; default os.LookupEnv.
	LookupEnv Lookup
	// Clock is read by expressions as now; default the wall clock.
	Clock component.Clock
	// CheckEnvDefaults also checks every ${env:NAME:-default} default where
	// NAME is set, as if it were not (validate does; run need not).
	CheckEnvDefaults bool
}

// loader holds the state of one Load call.
type loader struct {
	dir      string
	opts     Options
	schemas  *schemaSet
	compiler *compiler
	problems []Problem
	project  *Project
	mappings map[string]*mappingFile
	files    []*yamlFile
	// secrets are the secret values found so far (secrets.go).
	secrets secrets
	// globalsFP fingerprints the tables and env that expressions read.
	globalsFP string
	// read holds every file read (see Project.Files).
	read map[string]bool
	// secretNames are the variables the project file lists under secrets.
	secretNames map[string]bool
	// preferDefaults interpolates defaults even for set variables.
	preferDefaults bool
	// testEnvs are the env mappings of test files and cases.
	testEnvs []envBlock
	// tableNames are the names of every table, loaded or not.
	tableNames []string
	// brokenConns are connections whose definition has a problem.
	brokenConns map[string]bool
	// brokenPipelines are the names of pipeline files that could not be
	// read ("" when even the name is unknown): tests of them are not blamed.
	brokenPipelines []string
}

// Load reads and checks the pipeline directory dir. On any problem it
// returns Problems listing all of them.
func Load(dir string, opts Options) (*Project, error) {
	if opts.Registry == nil {
		return nil, errors.New("config: no registry")
	}
	if opts.LookupEnv == nil {
		opts.LookupEnv = os.LookupEnv
	}
	if opts.Clock == nil {
		opts.Clock = component.WallClock{}
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, Problems{{File: dir, Message: "not a directory"}}
	}
	ss := newSchemaSet()
	l := newLoader(dir, opts, ss, false)
	l.load()
	problems := l.finish()
	if opts.CheckEnvDefaults && l.setWithDefault() {
		// Again with every default in place of the variable it stands
		// for: a default must fit wherever it is used too.
		d := newLoader(dir, opts, ss, true)
		d.load()
		seen := map[Problem]bool{}
		for _, p := range problems {
			seen[p] = true
		}
		for _, p := range d.finish() {
			if !seen[p] {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		ps := Problems(problems)
		ps.sort()
		return nil, ps.dedupe()
	}
	if l.project != nil {
		l.project.Secrets = l.secrets.sorted()
		for path := range l.read {
			l.project.Files = append(l.project.Files, path)
		}
		sort.Strings(l.project.Files)
	}
	return l.project, nil
}

// newLoader returns the state of one pass over dir; with preferDefaults
// every ${env:NAME:-default} takes its default.
func newLoader(dir string, opts Options, ss *schemaSet, preferDefaults bool) *loader {
	return &loader{dir: dir, opts: opts, schemas: ss, mappings: map[string]*mappingFile{},
		brokenConns: map[string]bool{}, secrets: secrets{}, read: map[string]bool{}, preferDefaults: preferDefaults}
}

// finish checks the secrets the project file lists and returns the
// problems, each at an interpolated value saying where the value came from,
// then with the secrets in every message replaced.
func (l *loader) finish() []Problem {
	l.referencedSecrets()
	for _, f := range l.files {
		for i := range l.problems {
			p := &l.problems[i]
			if p.File != f.path {
				continue
			}
			if src, ok := f.sourceAt(p.Line, p.Column); ok {
				p.Message += " (" + src.what + ", from " + l.withoutSecretDefaults(src.text) + ")"
			}
		}
	}
	l.redactProblems()
	return l.problems
}

// setWithDefault reports whether a set variable stood in for a reference
// that has a default.
func (l *loader) setWithDefault() bool {
	for _, f := range l.files {
		if f.setWithDefault {
			return true
		}
	}
	return false
}

func (l *loader) add(ps ...Problem) { l.problems = append(l.problems, ps...) }

// parse reads, interpolates and schema-checks one file. It returns nil when
// the file cannot be used at all.
func (l *loader) parse(path, schema string) (*yamlFile, bool) {
	l.read[path] = true
	f, p := parseYAMLFile(path)
	if p != nil {
		l.add(*p)
		return nil, false
	}
	l.files = append(l.files, f)
	l.add(f.interpolate(l.dir, l.opts.LookupEnv, l.preferDefaults)...)
	for _, ref := range f.refs {
		if ref.kind == "file" {
			l.read[ref.path(l.dir)] = true
		}
	}
	ps := l.schemas.validate(f, "", toJSONValue(f.root), schemaBase+schema)
	l.declaredSecrets(f.root, schemaBase+schema)
	l.add(ps...)
	return f, len(ps) == 0
}

func (l *loader) load() {
	pf, _ := l.parse(filepath.Join(l.dir, ProjectFile), "project.v1.json")
	if pf == nil {
		return
	}
	l.project = &Project{Dir: l.dir, Connections: map[string]*Connection{}, Globals: &Globals{Clock: l.opts.Clock}}
	l.decodeProject(pf)
	l.compiler = newCompiler(l.tableNames, l.project.Globals)
	l.loadPipelines()
	if !pf.isBad("/alerts") {
		l.checkAlerts(pf)
	}
	if !pf.isBad("/transport") {
		l.checkTransport(pf)
	}
	l.loadTests()
	l.checkEnv()
	l.add(l.compiler.problems...)
}

// yamlFilesIn lists *.yaml and *.yml files of a directory, sorted, skipping
// the project file and hidden files (.gitlab-ci.yml and other tools' files).
func yamlFilesIn(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var paths []string
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") || e.Name() == ProjectFile || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	sort.Strings(paths)
	return paths
}

func (l *loader) loadPipelines() {
	seen := map[string]string{}
	for _, path := range yamlFilesIn(l.dir) {
		f, _ := l.parse(path, "pipeline.v1.json")
		if f == nil || f.isBad("/pipeline") {
			l.brokenPipelines = append(l.brokenPipelines, pipelineNameIn(path))
			continue
		}
		pl := l.decodePipeline(f)
		if pl == nil {
			continue
		}
		if first, dup := seen[pl.Name]; dup {
			l.add(f.at("/pipeline", "pipeline %q is already defined in %s", pl.Name, relPath(first)))
			continue
		}
		seen[pl.Name] = path
		l.project.Pipelines = append(l.project.Pipelines, pl)
	}
	if len(seen) == 0 && len(l.problems) == 0 {
		l.add(Problem{File: l.dir, Message: "no pipeline files (*.yaml beside " + ProjectFile + ")"})
	}
}

var pipelineKey = regexp.MustCompile(`(?m)^pipeline:\s*["']?([A-Za-z0-9_-]+)`)

// pipelineNameIn reads the pipeline name of a file that does not parse, or "".
func pipelineNameIn(path string) string {
	data, _ := os.ReadFile(path)
	if m := pipelineKey.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}

// pipelineBroken reports whether name may be a pipeline whose file has a
// problem of its own.
func (l *loader) pipelineBroken(name string) bool {
	for _, b := range l.brokenPipelines {
		if b == name || b == "" {
			return true
		}
	}
	return false
}

// fieldErrorProblems locates the errors from a component's Validate, one
// problem per error of an errors.Join.
func fieldErrorProblems(f *yamlFile, ptr string, err error) []Problem {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var ps []Problem
		for _, e := range joined.Unwrap() {
			ps = append(ps, fieldErrorProblems(f, ptr, e)...)
		}
		return ps
	}
	return []Problem{fieldErrorProblem(f, ptr, err)}
}

// fieldErrorProblem locates one error: a FieldError's path is turned into a
// pointer below ptr.
func fieldErrorProblem(f *yamlFile, ptr string, err error) Problem {
	var fe *component.FieldError
	if errors.As(err, &fe) && fe.Path != "" {
		p := ptr
		for _, part := range strings.Split(fe.Path, ".") {
			p += "/" + escapePointer(part)
		}
		return f.at(p, "%s", fe.Err.Error())
	}
	return f.at(ptr, "%s", err.Error())
}
