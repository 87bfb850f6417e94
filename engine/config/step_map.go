package config

import (
	"context"
	"maps"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// mapKind builds a new body from a template.
type mapKind struct{}

func (mapKind) name() string { return "map" }

func (mapKind) schema() string {
	return `{
  "description": "Builds a new message body: from a mapping file, or inline with let and output.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "file": {
      "description": "Mapping file under the directory, e.g. mappings/amazon-order-to-canonical.yaml.",
      "type": "string"
    },
    "let": {"$ref": "mapping.v1.json#/$defs/let"},
    "output": {"$ref": "mapping.v1.json#/$defs/output"},
    "merge": {
      "description": "Merge the output into the current body (top-level keys replaced) instead of replacing the body.",
      "type": "boolean"
    }
  }
}`
}

// compile compiles a map step and tells the later steps the keys of the
// body it makes (none known after a merge or a problem).
func (mapKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	ms := mapStep(c, n)
	c.setBody(ms.bodyTemplate().shape())
	if ms == nil {
		return nil
	}
	return ms
}

// mapStep compiles a map step: from a mapping file or inline let/output.
func mapStep(c *stepContext, n *yaml.Node) *MapStep {
	var d struct {
		File   string             `yaml:"file"`
		Let    orderedExprs       `yaml:"let"`
		Output component.Template `yaml:"output"`
		Merge  bool               `yaml:"merge"`
	}
	if err := n.Decode(&d); err != nil {
		c.problem("", "%v", err)
		return nil
	}
	hasOutput := !d.Output.IsZero()
	switch {
	case d.File != "" && (hasOutput || len(d.Let) > 0):
		c.problem("", "give either file or let/output, not both")
		return nil
	case d.File == "" && !hasOutput:
		c.problem("", "missing output (or file: a mapping file)")
		return nil
	}
	l := c.l
	ms := &MapStep{File: d.File, Merge: d.Merge}
	src, let, out := c.f, d.Let, d.Output.Node()
	if d.File != "" {
		mf := l.mappingFile(c.f, c.ptr+"/file", d.File)
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
	scope := append([]string(nil), *c.vars...)
	outer := l.compiler.shapes
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
	l.compiler.shapes = outer
	return ms
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

// bodyTemplate is the template of the body the step makes, unless it
// merges into the body it gets.
func (m *MapStep) bodyTemplate() *Template {
	if m == nil || m.Merge {
		return nil
	}
	return m.Output
}

func (m *MapStep) run(_ context.Context, _ *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	data := env.Globals.Data(msg)
	if len(m.Let) > 0 {
		// Let values join a copy of the lookup variables; the activation
		// reads the map as it grows, so each let sees the ones before it.
		data.Vars = make(map[string]any, len(msg.Vars)+len(m.Let))
		maps.Copy(data.Vars, msg.Vars)
	}
	act := expr.NewActivation(data)
	for _, b := range m.Let {
		v, err := b.Prog.EvalLet(act)
		if err != nil {
			return StepResult{}, component.Permanentf("let %s: %v", b.Name, err)
		}
		data.Vars[b.Name] = v
	}
	body, err := m.Output.Eval(act)
	if err != nil {
		return StepResult{}, component.Permanent(err)
	}
	if m.Merge {
		body = merge(msg.Body, body)
	}
	return StepResult{Msg: &component.Message{ID: msg.ID, Metadata: msg.Metadata, Body: body, Vars: msg.Vars}}, nil
}

// merge sets the top-level keys of add on a copy of base (when both are objects).
func merge(base, add any) any {
	b, ok1 := base.(map[string]any)
	a, ok2 := add.(map[string]any)
	if !ok1 || !ok2 {
		return add
	}
	out := make(map[string]any, len(b)+len(a))
	maps.Copy(out, b)
	maps.Copy(out, a)
	return out
}
