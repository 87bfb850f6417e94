package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// TestsDir is the directory of pipeline test files.
const TestsDir = "tests"

// DefaultTestTime is the clock's time in pipeline tests that set no now.
var DefaultTestTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestFile is one loaded test file.
type TestFile struct {
	File     string
	Pipeline string
	Now      time.Time
	// Env replaces project env values during the tests.
	Env   map[string]string
	Cases []*TestCase
}

// TestCase is one case of a test file.
type TestCase struct {
	Name     string
	Line     int
	Body     any
	Metadata map[string]string
	Mocks    map[string]Mock
	// Delivered are changed steps' last delivered values: step -> key -> value.
	Delivered map[string]map[string]any
	// History are guard steps' remembered values: step -> key -> values.
	History map[string]map[string][]any
	// Env replaces env values for this case.
	Env    map[string]string
	Expect Expect
}

// Expect is what a case must produce.
type Expect struct {
	Output      any
	HasOutput   bool
	Contains    any
	HasContains bool
	OutputFile  string // absolute path
	Outputs     []any
	HasOutputs  bool
	Route       []string
	Dropped     bool
	Error       *regexp.Regexp
	// Retryable: the error must be retryable, not permanent.
	Retryable bool
	Step      string
}

type testDoc struct {
	Pipeline string `yaml:"pipeline"`
	Now      string `yaml:"now"`
}

func (l *loader) loadTests() {
	for _, path := range yamlFilesIn(filepath.Join(l.dir, TestsDir)) {
		f, ok := l.parse(path, "test.v1.json")
		if !ok {
			continue
		}
		if tf := l.decodeTestFile(f); tf != nil {
			l.project.Tests = append(l.project.Tests, tf)
		}
	}
}

func (l *loader) decodeTestFile(f *yamlFile) *TestFile {
	var doc testDoc
	if err := f.root.Decode(&doc); err != nil {
		l.add(f.at("", "%v", err))
		return nil
	}
	tf := &TestFile{File: f.path, Pipeline: doc.Pipeline, Now: DefaultTestTime, Env: scalarMap(mappingValue(f.root, "env"))}
	l.testEnvs = append(l.testEnvs, envBlock{f, "/env"})
	if doc.Now != "" {
		t, err := time.Parse(time.RFC3339, doc.Now)
		if err != nil {
			l.add(f.at("/now", "want an RFC 3339 time, e.g. 2026-01-01T00:00:00Z"))
		}
		tf.Now = t
	}
	pl, ok := l.project.Pipeline(doc.Pipeline)
	if !ok && !l.pipelineBroken(doc.Pipeline) {
		l.add(f.at("/pipeline", "unknown pipeline %q", doc.Pipeline))
	}
	cases := mappingValue(f.root, "tests")
	for i, cn := range cases.Content {
		tf.Cases = append(tf.Cases, l.decodeCase(f, fmt.Sprintf("/tests/%d", i), cn, pl))
	}
	return tf
}

func (l *loader) decodeCase(f *yamlFile, ptr string, n *yaml.Node, pl *Pipeline) *TestCase {
	tc := &TestCase{Name: mappingValue(n, "name").Value, Line: n.Line, Env: scalarMap(mappingValue(n, "env"))}
	l.testEnvs = append(l.testEnvs, envBlock{f, ptr + "/env"})
	dir := filepath.Dir(f.path)
	in := mappingValue(n, "input")
	if md := mappingValue(in, "metadata"); md != nil {
		tc.Metadata = scalarMap(md)
	}
	switch body, file := mappingValue(in, "body"), mappingValue(in, "file"); {
	case body != nil && file != nil:
		l.add(f.at(ptr+"/input", "give either body or file, not both"))
	case body != nil:
		tc.Body = l.value(f, ptr+"/input/body", body)
	case file != nil:
		tc.Body = l.fixture(f, ptr+"/input/file", file.Value, filepath.Join(dir, file.Value))
	default:
		l.add(f.at(ptr+"/input", "missing body or file"))
	}
	l.decodeFixtures(f, ptr, n, pl, tc)
	l.decodeExpect(f, ptr+"/expect", mappingValue(n, "expect"), pl, tc)
	return tc
}

// decodeFixtures decodes the sections of a case that stand in for what
// steps reach outside the message (see stepTestSupport: mocks for lookups,
// delivered values for changed steps), each keyed by step name.
func (l *loader) decodeFixtures(f *yamlFile, ptr string, n *yaml.Node, pl *Pipeline, tc *TestCase) {
	for _, k := range stepKinds {
		ts, ok := k.(stepTestSupport)
		if !ok {
			continue
		}
		section := mappingValue(n, ts.testSection())
		if section == nil {
			continue
		}
		for i := 0; i+1 < len(section.Content); i += 2 {
			step := section.Content[i].Value
			sptr := ptr + "/" + ts.testSection() + "/" + escapePointer(step)
			if pl != nil && !hasStep(pl, step, k.name()) {
				l.add(f.atKey(sptr, "no %s step named %q in pipeline %s", k.name(), step, pl.Name))
			}
			ts.decodeFixture(l, f, sptr, step, section.Content[i+1], tc)
		}
	}
}

// StepEnv returns what the case's steps reach: globals, and the case's
// fixtures in place of connections and state.
func (tc *TestCase) StepEnv(globals *Globals) *StepEnv {
	env := &StepEnv{Globals: globals}
	for _, k := range stepKinds {
		if ts, ok := k.(stepTestSupport); ok {
			ts.double(tc, env)
		}
	}
	return env
}

// hasStep reports whether pl has a step called name, of the given kind
// unless kind is "".
func hasStep(pl *Pipeline, name, kind string) bool {
	for _, s := range pl.Steps {
		if s.Name == name && (kind == "" || s.Kind == kind) {
			return true
		}
	}
	return false
}

func (l *loader) decodeExpect(f *yamlFile, ptr string, n *yaml.Node, pl *Pipeline, tc *TestCase) {
	e := &tc.Expect
	outcomes := 0
	if v := mappingValue(n, "output"); v != nil {
		e.Output, e.HasOutput = l.value(f, ptr+"/output", v), true
		outcomes++
	}
	if v := mappingValue(n, "output_contains"); v != nil {
		e.Contains, e.HasContains = l.value(f, ptr+"/output_contains", v), true
		outcomes++
	}
	if v := mappingValue(n, "output_file"); v != nil {
		e.OutputFile = filepath.Join(filepath.Dir(f.path), v.Value)
		outcomes++
	}
	if v := mappingValue(n, "outputs"); v != nil {
		list, _ := l.value(f, ptr+"/outputs", v).([]any)
		e.Outputs, e.HasOutputs = list, true
		outcomes++
	}
	if v := mappingValue(n, "dropped"); v != nil {
		e.Dropped = true
		outcomes++
	}
	if v := mappingValue(n, "error"); v != nil {
		re, err := regexp.Compile(v.Value)
		if err != nil {
			l.add(f.at(ptr+"/error", "invalid regular expression: %v", err))
		}
		e.Error = re
		outcomes++
	}
	if v := mappingValue(n, "route"); v != nil {
		var to stringList
		_ = v.Decode(&to)
		e.Route = to
	}
	if v := mappingValue(n, "retryable"); v != nil {
		e.Retryable = v.Value == "true"
		if e.Error == nil {
			l.add(f.at(ptr+"/retryable", "retryable only goes with error"))
		}
	}
	if v := mappingValue(n, "step"); v != nil {
		e.Step = v.Value
		if e.Error == nil {
			l.add(f.at(ptr+"/step", "step only goes with error"))
		}
		if pl != nil && !hasStep(pl, e.Step, "") {
			l.add(f.at(ptr+"/step", "no step named %q in pipeline %s", e.Step, pl.Name))
		}
	}
	if outcomes != 1 && (outcomes > 0 || e.Route == nil) {
		l.add(f.at(ptr, "want exactly one of output, output_contains, output_file, outputs, dropped, error"))
	}
}

// value converts a node to the message value model, reporting problems.
func (l *loader) value(f *yamlFile, ptr string, n *yaml.Node) any {
	v, err := nodeValue(n)
	if err != nil {
		l.add(f.at(ptr, "%v", err))
	}
	return v
}

// fixture reads a JSON or YAML file into the message value model.
func (l *loader) fixture(f *yamlFile, ptr, name, path string) any {
	l.read[path] = true
	data, err := os.ReadFile(path)
	if err != nil {
		l.add(f.at(ptr, "cannot read fixture %s: %v", name, pathError(err)))
		return nil
	}
	v, err := DecodeFixture(path, data)
	if err != nil {
		l.add(f.at(ptr, "%v", err))
	}
	return v
}

// DecodeFixture decodes a JSON or YAML file (by extension) into the message
// value model.
func DecodeFixture(path string, data []byte) (any, error) {
	if strings.HasSuffix(path, ".json") {
		v, err := component.DecodeJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		return v, nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	return nodeValue(n.Content[0])
}
