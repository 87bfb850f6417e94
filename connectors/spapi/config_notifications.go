package spapi

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// NotificationsConfig is the options of the spapi.notifications source.
type NotificationsConfig struct {
	// Options are the shared webhook options: path, auth, max_body, schema.
	webhook.Options `yaml:",inline"`
	// Types are the notification types accepted (default: every type with
	// a schema except ORDER_CHANGE, which spapi.orders takes).
	Types []string `yaml:"types"`
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

func notificationsSchema() jsonSchema {
	props := webhookProperties()
	props["types"] = list("Notification types to accept (default: all but ORDER_CHANGE).", strEnum("A notification type.", models.NotificationTypes()...))
	return object("SP-API notifications (raw SQS JSON or EventBridge event), validated against Amazon's schema of their type; message id = NotificationId.", props, webhookRequired()...)
}

// Validate checks the options.
func (c *NotificationsConfig) Validate() error {
	errs := []error{c.Options.Validate()}
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
