package models

import (
	"fmt"
	"slices"
	"strings"
)

// CheckParam reports whether the operation takes a parameter called name in
// the given location ("path", "query" or "header"; "" for any of them). The
// error names the parameters it does take and suggests a close one.
func (op *Operation) CheckParam(in, name string) error {
	var names []string
	for _, p := range op.Parameters {
		if in == "" || p.In == in {
			if p.Name == name {
				return nil
			}
			names = append(names, p.Name)
		}
	}
	where := in + " "
	if in == "" {
		where = ""
	}
	if len(names) == 0 {
		return fmt.Errorf("%s takes no %sparameters", op.Name, where)
	}
	return fmt.Errorf("%s has no %sparameter %q%s (it takes %s)", op.Name, where, name, suggest(name, names), strings.Join(names, ", "))
}

// CheckRequired returns an error for each required parameter in the given
// location ("" for any) that given does not name.
func (op *Operation) CheckRequired(in string, given func(name string) bool) []error {
	var errs []error
	for _, p := range op.Parameters {
		if (in == "" || p.In == in) && p.Required && !given(p.Name) {
			errs = append(errs, fmt.Errorf("%s needs %s parameter %s", op.Name, p.In, p.Name))
		}
	}
	return errs
}

// CheckValue checks one value of a parameter against its enum (each element
// for arrays).
func (p Parameter) CheckValue(value string) error {
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, value) {
		return fmt.Errorf("parameter %s: %q is not one of %s", p.Name, value, strings.Join(p.Enum, ", "))
	}
	return nil
}

// CheckValues checks the values given for a parameter: exactly one unless
// it is an array, at most MaxItems for an array, each one in the enum.
func (p Parameter) CheckValues(values []string) error {
	if p.Type != "array" && len(values) != 1 {
		return fmt.Errorf("%s parameter %s takes one value, got %d", p.In, p.Name, len(values))
	}
	if p.Type == "array" && p.MaxItems > 0 && len(values) > p.MaxItems {
		return fmt.Errorf("%s parameter %s takes at most %d values, got %d", p.In, p.Name, p.MaxItems, len(values))
	}
	for _, v := range values {
		if err := p.CheckValue(v); err != nil {
			return err
		}
	}
	return nil
}
