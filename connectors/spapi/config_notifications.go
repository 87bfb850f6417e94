package spapi

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// NotificationsConfig is the options of the spapi.notifications source.
//
// SP-API notifications (raw SQS JSON or EventBridge event), validated
// against Amazon's schema of their type; message id = NotificationId.
type NotificationsConfig struct {
	// Where notifications arrive: the webhook options (path, auth,
	// max_body, schema), an SQS queue (sqs), or both.
	NotificationIntake `yaml:",inline"`
	// Notification types to accept (default: all but ORDER_CHANGE).
	Types []string `yaml:"types"`
}

// JSONSchemaExtend lists the notification types of the embedded models,
// and makes path and auth optional when sqs is given (as
// NotificationIntake does where it is not inline).
func (NotificationsConfig) JSONSchemaExtend(s map[string]any) {
	NotificationIntake{}.JSONSchemaExtend(s)
	types := s["properties"].(map[string]any)["types"].(map[string]any)
	enum := []any{}
	for _, t := range models.NotificationTypes() {
		enum = append(enum, t)
	}
	types["items"] = map[string]any{"type": "string", "enum": enum, "description": "A notification type."}
}

func newNotificationsConfig() *NotificationsConfig {
	var types []string
	for _, t := range models.NotificationTypes() {
		if t != models.OrderChange {
			types = append(types, t)
		}
	}
	return &NotificationsConfig{Types: types}
}

// Validate checks the options.
func (c *NotificationsConfig) Validate() error {
	errs := []error{c.NotificationIntake.Validate()}
	if len(c.Types) == 0 {
		errs = append(errs, component.FieldErrorf("types", "name at least one notification type"))
	}
	for i, t := range c.Types {
		if !slices.Contains(models.NotificationTypes(), t) {
			errs = append(errs, component.FieldErrorf(fmt.Sprintf("types.%d", i), "unknown notification type %q", t))
		}
	}
	return errors.Join(errs...)
}
