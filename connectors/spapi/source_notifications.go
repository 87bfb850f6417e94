package spapi

import (
	"context"
	"fmt"
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
	return notificationsFactory{factory{typ: "spapi.notifications", kind: component.KindSource, schema: notificationsSchema,
		newConfig: func() any { return newNotificationsConfig() }}}
}

// ConnectionType returns "": the source receives notifications and calls
// nothing, so it names no connection.
func (notificationsFactory) ConnectionType() component.Type { return "" }

// notificationsSource publishes each accepted notification before the
// endpoint answers 2xx.
type notificationsSource struct {
	cfg *NotificationsConfig
	set component.SourceSettings
	ep  *webhook.Endpoint
}

// CreateSource returns the source; Start registers its path.
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

// Start registers the webhook path.
func (s *notificationsSource) Start(context.Context) error {
	if err := s.set.HTTP.Handle(s.cfg.Path, s.ep); err != nil {
		return fmt.Errorf("spapi.notifications: %w", err)
	}
	return nil
}

// Shutdown refuses new requests (503) and waits for those in flight.
func (s *notificationsSource) Shutdown(ctx context.Context) error { return s.ep.Close(ctx) }

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
