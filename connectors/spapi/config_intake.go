package spapi

import (
	"encoding/json"
	"errors"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
)

// webhookSchema is the schema of a notification intake's options: the
// shared webhook options (path, auth, max_body, schema), as every webhook
// connector declares them.
func webhookSchema(desc string) jsonSchema {
	return object(desc, webhookProperties(), webhookRequired()...)
}

// webhookProperties are the shared webhook option properties, decoded
// from webhook.SchemaProperties so that they are declared once.
func webhookProperties() jsonSchema {
	var props jsonSchema
	mustDecodeSchema("{"+webhook.SchemaProperties+"}", &props)
	return props
}

// webhookRequired are the required shared webhook options.
func webhookRequired() []string {
	var req []string
	mustDecodeSchema("["+webhook.SchemaRequired+"]", &req)
	return req
}

func mustDecodeSchema(fragment string, v any) {
	if err := json.Unmarshal([]byte(fragment), v); err != nil {
		panic("spapi: the shared webhook schema fragment is not JSON: " + err.Error())
	}
}

// underOption moves the option path of a *component.FieldError under
// prefix (e.g. "notifications."); other errors are returned as they are.
func underOption(prefix string, err error) error {
	var fe *component.FieldError
	if errors.As(err, &fe) {
		return &component.FieldError{Path: prefix + fe.Path, Err: fe.Err}
	}
	return err
}
