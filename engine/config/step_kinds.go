package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// stepKinds are the step kinds, in the order the documentation and the
// pipeline schema list them. A kind lives in one file, step_<name>.go:
// its schema, how its value decodes and is checked at load, how it runs,
// and what pipeline tests feed it. Adding a kind is adding its file and
// its line here, then regenerating schemas/pipeline.v1.json
// (UPDATE_GOLDEN=1 go test ./engine/config -run TestPipelineSchema_steps).
var stepKinds = []stepKind{
	mapKind{},
	filterKind{},
	validateKind{},
	lookupKind{},
	routeKind{},
	splitKind{},
	assertKind{},
	changedKind{},
	guardKind{},
}

// stepKind is one kind of step, as an OTel Collector factory is one type
// of component: it names the key that selects it in a step, declares the
// JSON Schema of its value, and compiles a value into a runner. Kinds are
// registered in stepKinds; they use the loader's internals, so they live
// in this package.
type stepKind interface {
	// name is the step key that selects the kind.
	name() string
	// schema is the JSON Schema of the kind's value, written to
	// $defs/<name> of the pipeline schema (step_schema.go).
	schema() string
	// compile decodes and checks the kind's value n and returns the
	// step's runner, or nil once it has reported the problems (c.problem).
	// It tells later steps what it binds (c.bindVar, c.setBody).
	compile(c *stepContext, n *yaml.Node) stepRunner
}

// varDeclarer is implemented by kinds that bind a variable for later
// steps. A step with a schema problem is not compiled, but the variable
// it names stays declared so later steps are not blamed for it.
type varDeclarer interface {
	declaredVars(n *yaml.Node) []string
}

// stepTestSupport is implemented by kinds whose steps reach outside the
// message (a lookup's connection, a changed step's state): a pipeline test
// case stands in for what they reach with a section of its own, keyed by
// step name.
type stepTestSupport interface {
	// testSection is the test case key (mocks, delivered).
	testSection() string
	// decodeFixture decodes one entry of the section, at ptr of f, for
	// the step called step of tc.
	decodeFixture(l *loader, f *yamlFile, ptr, step string, n *yaml.Node, tc *TestCase)
	// double sets what stands in, in env, for what the kind's steps reach.
	double(tc *TestCase, env *StepEnv)
}

// StepKinds lists the names of the step kinds.
func StepKinds() []string {
	names := make([]string, len(stepKinds))
	for i, k := range stepKinds {
		names[i] = k.name()
	}
	return names
}

// kindNamed returns the kind called name, or nil.
func kindNamed(name string) stepKind {
	for _, k := range stepKinds {
		if k.name() == name {
			return k
		}
	}
	return nil
}

func joinKinds(kinds []stepKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = k.name()
	}
	return strings.Join(s, ", ")
}
