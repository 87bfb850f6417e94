package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// validateKind checks the body against a JSON Schema.
type validateKind struct{}

func (validateKind) name() string { return "validate" }

func (validateKind) schema() string {
	return `{
  "description": "Checks the message against a JSON Schema: canonical/NAME.vN for the canonical model, or a path under the directory. A violation is a permanent error listing every problem.",
  "type": "string",
  "minLength": 1
}`
}

// compile resolves the schema reference: canonical/NAME.vN from the
// embedded model, or a JSON Schema file under the directory.
func (validateKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	ref, l := n.Value, c.l
	url := schemaBase + strings.TrimSuffix(ref, ".json") + ".json"
	if !strings.HasPrefix(ref, "canonical/") {
		path := filepath.Join(l.dir, ref)
		l.read[path] = true
		data, err := os.ReadFile(path)
		if err != nil {
			c.problem("", "schema file %q not found", ref)
			return nil
		}
		url = "file://" + filepath.ToSlash(path)
		if err := l.schemas.addComponent(url, data); err != nil {
			c.problem("", "schema file %q: %v", ref, err)
			return nil
		}
	} else if !l.schemas.known(url) {
		c.problem("", "unknown canonical schema %q (known: %s)", ref, strings.Join(canonicalNames(), ", "))
		return nil
	}
	sch, err := l.schemas.get(url)
	if err != nil {
		c.problem("", "schema %q does not compile: %v", ref, err)
		return nil
	}
	return &ValidateStep{Schema: ref, Validate: bodyValidator(sch)}
}

// ValidateStep checks the body against a JSON Schema.
type ValidateStep struct {
	// Schema is the reference as written (canonical/NAME.vN or a path).
	Schema string
	// Validate returns every violation, or nil.
	Validate func(body any) []string
}

func (s *ValidateStep) keepsBody() {}

func (s *ValidateStep) run(_ context.Context, _ *Step, _ *StepEnv, msg *component.Message) (StepResult, error) {
	if problems := s.Validate(msg.Body); len(problems) > 0 {
		return StepResult{}, component.Permanentf("does not match %s: %s", s.Schema, strings.Join(problems, "; "))
	}
	return StepResult{Msg: msg}, nil
}
