package spapi

import (
	"errors"

	"github.com/pipewright/pipewright/engine/component"
)

// underOption moves the option path of each *component.FieldError in err
// (one, or several joined) under prefix (e.g. "notifications."); other
// errors are returned as they are.
func underOption(prefix string, err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var errs []error
		for _, e := range j.Unwrap() {
			errs = append(errs, underOption(prefix, e))
		}
		return errors.Join(errs...)
	}
	var fe *component.FieldError
	if errors.As(err, &fe) {
		return &component.FieldError{Path: prefix + fe.Path, Err: fe.Err}
	}
	return err
}
