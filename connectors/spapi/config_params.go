package spapi

import (
	"maps"
	"slices"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// checkParams checks the parameter names an option gives against op: each
// must be a parameter in location in ("path", "query"; "" for any) and every
// required one must be given. Problems are FieldErrors at option.<name>, or
// at option for a missing parameter.
func checkParams[V any](op *models.Operation, in, option string, given map[string]V) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(given)) {
		if err := op.CheckParam(in, name); err != nil {
			errs = append(errs, component.FieldErrorf(option+"."+name, "%v", err))
		}
	}
	for _, err := range op.CheckRequired(in, func(name string) bool { _, ok := given[name]; return ok }) {
		errs = append(errs, component.FieldErrorf(option, "%v", err))
	}
	return errs
}
