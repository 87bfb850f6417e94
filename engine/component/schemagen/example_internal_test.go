package schemagen

import (
	"context"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// The generator's own tests are internal: it reads doc comments from the
// source of the package that declares a config, and the configs below are
// declared here.

// exampleConfig is the options of the test.example source.
//
// An example of every kind of option the generator handles.
type exampleConfig struct {
	// Name is the example's name.
	Name string `yaml:"name" schema:"required,minLength=1" pattern:"^[a-z]+$"`
	// DSN is where the example connects; its password is a secret.
	DSN string `yaml:"dsn" schema:"secret=dsn"`
	// Token is a secret with a default the schema must not show.
	Token string `yaml:"token" schema:"secret"`
	// Mode is one of fast or safe.
	Mode string `yaml:"mode" schema:"enum=fast|safe"`
	// Size is how many (default 10).
	Size int `yaml:"size" schema:"minimum=1,maximum=100"`
	// Every is an interval.
	Every component.Duration `yaml:"every"`
	// ID is a CEL expression.
	ID component.Expr `yaml:"id"`
	// Body is a CEL template object.
	Body component.Template `yaml:"body" schema:"type=object"`
	// Statuses are numbers from 0 to 6, at least one.
	Statuses []int `yaml:"statuses" schema:"minItems=1,minimum=0,maximum=6"`
	// Params are literal parameters by name.
	Params map[string]any `yaml:"params" keys:"^[a-z_]+$" schema:"type=string|number"`
	// Limits are named limits.
	Limits map[string]exampleLimit `yaml:"limits"`
	// Steps are steps; the default's step 0 is kept, its empty note left
	// out.
	Steps []exampleStep `yaml:"steps"`
	// Group, when set, groups.
	Group *exampleGroup `yaml:"group"`
	// Size2 is a size with its own schema.
	Size2 exampleSize `yaml:"size2"`
	// Shared are options embedded inline.
	exampleShared `yaml:",inline"`
}

// JSONSchemaExtend requires one of name and dsn, to show an extension.
func (exampleConfig) JSONSchemaExtend(s map[string]any) {
	s["anyOf"] = []any{map[string]any{"required": []any{"dsn"}}, map[string]any{"required": []any{"token"}}}
}

// exampleLimit is one limit.
//
// A limit.
type exampleLimit struct {
	// Rate is the rate.
	Rate float64 `yaml:"rate" schema:"required,exclusiveMinimum=0"`
}

// exampleStep is a step.
type exampleStep struct {
	// At is where.
	At int `yaml:"at"`
	// Note is a note.
	Note string `yaml:"note"`
}

// exampleGroup is a group whose decoding starts from defaults.
type exampleGroup struct {
	// Lines is the field of the lines.
	Lines string `yaml:"lines"`
}

// UnmarshalYAML decodes a group, lines defaulting to "lines".
func (g *exampleGroup) UnmarshalYAML(n *yaml.Node) error {
	type plain exampleGroup
	p := plain{Lines: "lines"}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*g = exampleGroup(p)
	return nil
}

// exampleSize declares its own schema.
type exampleSize int

// JSONSchema declares an integer or a string.
func (exampleSize) JSONSchema() map[string]any {
	return map[string]any{"type": []any{"integer", "string"}}
}

// exampleShared are options several configs share.
type exampleShared struct {
	// Path is shared.
	Path string `yaml:"path"`
}

// exampleFactory is the factory of test.example.
type exampleFactory struct{ cfg func() any }

func (exampleFactory) Type() component.Type { return "test.example" }
func (exampleFactory) Kind() component.Kind { return component.KindSource }
func (exampleFactory) Schema() []byte       { return nil }
func (f exampleFactory) NewConfig() any     { return f.cfg() }

func (exampleFactory) ConnectionType() component.Type { return "" }
func (exampleFactory) CreateSource(context.Context, component.SourceSettings, any) (component.Source, error) {
	return nil, nil
}

func newExampleConfig() any {
	return &exampleConfig{Size: 10, Every: component.Duration(90 * time.Minute), Token: "demo", Mode: "safe", Statuses: []int{1}, Steps: []exampleStep{{At: 0}}}
}

// undocumentedConfig has an option without a doc comment.
type undocumentedConfig struct {
	// Documented is documented.
	Documented string `yaml:"documented"`
	Bare       string `yaml:"bare"`
}

// badTagConfig has a tag option the generator does not know.
type badTagConfig struct {
	// Size is a size.
	Size int `yaml:"size" schema:"minimun=1"`
}
