package spapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
)

// MetaNotificationType is the metadata key holding a notification's type.
const MetaNotificationType = "spapi-notification-type"

type notificationsFactory struct{ factory }

var _ component.SourceFactory = notificationsFactory{}

// NewNotificationsFactory returns the factory of the spapi.notifications
// source.
func NewNotificationsFactory() component.SourceFactory {
	return notificationsFactory{factory{typ: "spapi.notifications", kind: component.KindSource,
		newConfig: func() any { return newNotificationsConfig() }}}
}

// ConnectionType returns "": the source receives notifications and calls
// nothing, so it names no connection.
func (notificationsFactory) ConnectionType() component.Type { return "" }

// notificationsSource publishes each accepted notification before the
// endpoint answers 2xx.
type notificationsSource struct {
	component.Lifecycle
	cfg *NotificationsConfig
	set component.SourceSettings
	ep  *webhook.Endpoint
}

var _ component.Pusher = (*notificationsSource)(nil)

// CreateSource returns the source; the engine serves its path.
func (notificationsFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[NotificationsConfig]("spapi.notifications", cfg)
	if err != nil {
		return nil, err
	}
	s := &notificationsSource{cfg: c, set: set}
	if s.ep, err = newIntake(&c.Options, set.Settings, s.publish); err != nil {
		return nil, fmt.Errorf("spapi.notifications: %w", err)
	}
	return s, nil
}

// Routes serves the webhook path.
func (s *notificationsSource) Routes() map[string]http.Handler {
	return map[string]http.Handler{s.cfg.Path: s.ep}
}

// publish publishes a notification of a configured type; id =
// NotificationId.
func (s *notificationsSource) publish(ctx context.Context, n *notification) (string, error) {
	if !slices.Contains(s.cfg.Types, n.header.Type) {
		return "", component.Permanentf("this path does not take %s notifications", n.header.Type)
	}
	body, err := component.DecodeJSON(n.body)
	if err != nil {
		return "", component.Permanent(err)
	}
	m := component.NewMessage(n.header.ID, body)
	m.SetMeta(component.MetaKey, n.header.ID)
	m.SetMeta(component.MetaReceivedAt, n.receivedAt.UTC().Format(time.RFC3339))
	m.SetMeta(MetaNotificationType, n.header.Type)
	if err := s.set.Publisher.Publish(ctx, m); err != nil {
		return "", fmt.Errorf("spapi.notifications: publishing: %w", err)
	}
	return n.header.ID, nil
}
