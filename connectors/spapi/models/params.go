package models

import (
	"fmt"
	"slices"
	"strings"
)

// CheckParam reports whether the operation takes a parameter called name in
// the given location ("path", "query" or "header"). The error names the
// parameters it does take and suggests a close one.
func (op *Operation) CheckParam(in, name string) error {
	var names []string
	for _, p := range op.Parameters {
		if p.In == in {
			if p.Name == name {
				return nil
			}
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s takes no %s parameters", op.Name, in)
	}
	return fmt.Errorf("%s has no %s parameter %q%s (it takes %s)", op.Name, in, name, suggest(name, names), strings.Join(names, ", "))
}

// CheckValue checks one value of a parameter against its enum (each element
// for arrays).
func (p Parameter) CheckValue(value string) error {
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, value) {
		return fmt.Errorf("parameter %s: %q is not one of %s", p.Name, value, strings.Join(p.Enum, ", "))
	}
	return nil
}
