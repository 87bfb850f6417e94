package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/schemas"
)

// bodyValidator returns a function listing the schema violations of a
// message body, each as "location: message".
func bodyValidator(sch *jsonschema.Schema) func(any) []string {
	return func(body any) []string {
		raw, err := component.EncodeJSON(body)
		if err != nil {
			return []string{err.Error()}
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return []string{err.Error()}
		}
		err = sch.Validate(v)
		if err == nil {
			return nil
		}
		ve, ok := err.(*jsonschema.ValidationError)
		if !ok {
			return []string{err.Error()}
		}
		var leaves []*jsonschema.ValidationError
		collectLeaves(ve, &leaves)
		out := make([]string, 0, len(leaves))
		for _, leaf := range mergeTypeErrors(leaves) {
			loc := strings.TrimPrefix(leaf.InstanceLocation, "/")
			if loc == "" {
				loc = "(body)"
			}
			out = append(out, fmt.Sprintf("%s: %s", strings.ReplaceAll(loc, "/", "."), leaf.Message))
		}
		return out
	}
}

// canonicalNames lists the embedded canonical schemas.
func canonicalNames() []string {
	var names []string
	for _, n := range schemas.Names() {
		if strings.HasPrefix(n, "canonical/") {
			names = append(names, n)
		}
	}
	return names
}
