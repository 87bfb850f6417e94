package spapi

import (
	"errors"

	"github.com/pipewright/pipewright/engine/component"
)

// underOption moves the option path of a *component.FieldError under
// prefix (e.g. "notifications."); other errors are returned as they are.
func underOption(prefix string, err error) error {
	var fe *component.FieldError
	if errors.As(err, &fe) {
		return &component.FieldError{Path: prefix + fe.Path, Err: fe.Err}
	}
	return err
}
