package config

import (
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// StepKind names what a step does.
type StepKind string

// The step kinds.
const (
	StepMap      StepKind = "map"
	StepFilter   StepKind = "filter"
	StepValidate StepKind = "validate"
	StepLookup   StepKind = "lookup"
	StepRoute    StepKind = "route"
	StepSplit    StepKind = "split"
	StepAssert   StepKind = "assert"
	StepChanged  StepKind = "changed"
)

var stepKinds = []StepKind{StepMap, StepFilter, StepValidate, StepLookup, StepRoute, StepSplit, StepAssert, StepChanged}

// Step is one compiled step. Exactly one of the kind fields is set.
type Step struct {
	// Name is unique in the pipeline (default: kind-position, e.g. map-2).
	Name string
	Kind StepKind
	// Index is the step's position, from 0.
	Index    int
	Map      *MapStep
	Filter   *expr.Program
	Validate *ValidateStep
	Lookup   *LookupStep
	Route    []RouteRule
	Split    *expr.Program
	Assert   []AssertRule
	Changed  *ChangedStep
}

// AssertRule is one business rule of an assert step.
type AssertRule struct {
	That    *expr.Program
	Message *expr.Program
}

// ChangedStep passes messages whose value changed for their key.
type ChangedStep struct {
	Key   *expr.Program
	Value *expr.Program
}

// MapStep builds a new body from a template.
type MapStep struct {
	// File is the mapping file, when the mapping came from one.
	File   string
	Let    []LetBinding
	Output *Template
	Merge  bool
}

// LetBinding is one compiled let value.
type LetBinding struct {
	Name string
	Prog *expr.Program
}

// ValidateStep checks the body against a JSON Schema.
type ValidateStep struct {
	// Schema is the reference as written (canonical/NAME.vN or a path).
	Schema string
	// Validate returns every violation, or nil.
	Validate func(body any) []string
}

// LookupStep runs a connection's named query.
type LookupStep struct {
	Connection string
	Query      string
	// Params are compiled in name order.
	ParamNames []string
	Params     []*expr.Program
	As         string
	Required   bool
}

// RouteRule sends matching messages to sinks.
type RouteRule struct {
	When *expr.Program // nil: always
	To   []string
}

type stepDoc struct {
	Name     string          `yaml:"name"`
	Map      *mapDoc         `yaml:"map"`
	Filter   *component.Expr `yaml:"filter"`
	Validate string          `yaml:"validate"`
	Lookup   *lookupDoc      `yaml:"lookup"`
	Route    []routeDoc      `yaml:"route"`
	Split    *component.Expr `yaml:"split"`
	Assert   []assertDoc     `yaml:"assert"`
	Changed  *changedDoc     `yaml:"changed"`
}

type assertDoc struct {
	That    component.Expr `yaml:"that"`
	Message component.Expr `yaml:"message"`
}

type changedDoc struct {
	Key   component.Expr `yaml:"key"`
	Value component.Expr `yaml:"value"`
}

type mapDoc struct {
	File   string             `yaml:"file"`
	Let    orderedExprs       `yaml:"let"`
	Output component.Template `yaml:"output"`
	Merge  bool               `yaml:"merge"`
}

type lookupDoc struct {
	Connection string                    `yaml:"connection"`
	Query      string                    `yaml:"query"`
	Params     map[string]component.Expr `yaml:"params"`
	As         string                    `yaml:"as"`
	Required   *bool                     `yaml:"required"`
}

type routeDoc struct {
	When *component.Expr `yaml:"when"`
	To   stringList      `yaml:"to"`
}

// kind returns the step's kind, or an error when it has none or several.
func (d *stepDoc) kind() (StepKind, error) {
	var set []StepKind
	if d.Map != nil {
		set = append(set, StepMap)
	}
	if d.Filter != nil {
		set = append(set, StepFilter)
	}
	if d.Validate != "" {
		set = append(set, StepValidate)
	}
	if d.Lookup != nil {
		set = append(set, StepLookup)
	}
	if d.Route != nil {
		set = append(set, StepRoute)
	}
	if d.Split != nil {
		set = append(set, StepSplit)
	}
	if d.Assert != nil {
		set = append(set, StepAssert)
	}
	if d.Changed != nil {
		set = append(set, StepChanged)
	}
	switch len(set) {
	case 1:
		return set[0], nil
	case 0:
		return "", fmt.Errorf("step has no kind: want one of %s", joinKinds(stepKinds))
	}
	return "", fmt.Errorf("step has several kinds (%s): split it into one step per kind", joinKinds(set))
}

func joinKinds(kinds []StepKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
