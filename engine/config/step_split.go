package config

import (
	"context"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// MetaSplitIndex is set on the messages a split step produces: the
// element's index in the list.
const MetaSplitIndex = "pw-split-index"

// splitKind continues with each element of a list as its own message.
type splitKind struct{}

func (splitKind) name() string { return "split" }

func (splitKind) schema() string {
	return `{
  "$ref": "#/$defs/expr",
  "description": "An expression giving a list: each element continues through the remaining steps as its own message."
}`
}

func (splitKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	s := &SplitStep{List: c.expr(n)}
	c.setBody(s.List.Shape().Element())
	return s
}

// SplitStep makes one message per element of the list List gives. A
// child's id is the parent's with "/<index>" added.
type SplitStep struct {
	List *expr.Program
}

func (s *SplitStep) run(_ context.Context, _ *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	v, err := s.List.Eval(env.Globals.Activation(msg))
	if err != nil {
		return StepResult{}, component.Permanent(err)
	}
	list, ok := v.([]any)
	if !ok {
		return StepResult{}, component.Permanentf("want a list to split, got %s", component.TypeName(v))
	}
	children := make([]*component.Message, len(list))
	for i, el := range list {
		c := msg.Clone()
		c.ID = msg.ID + "/" + strconv.Itoa(i)
		c.Body = el
		c.SetMeta(MetaSplitIndex, strconv.Itoa(i))
		children[i] = c
	}
	return StepResult{Split: children}, nil
}
