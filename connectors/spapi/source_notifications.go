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

// ConnectionOptional marks the connection optional: the source calls no
// SP-API operation; it names a connection only for the AWS access of an
// SQS queue (notifications.sqs of the connection).
func (notificationsFactory) ConnectionOptional() {}

// notificationsSource publishes each accepted notification before the
// endpoint answers 2xx, or before the queue's message is deleted.
type notificationsSource struct {
	component.Lifecycle
	cfg *NotificationsConfig
	set component.SourceSettings
	ep  *webhook.Endpoint // nil without a path
	sqs *sqsIntake        // nil without a queue
}

var (
	_ component.Pusher             = (*notificationsSource)(nil)
	_ component.Poller             = (*notificationsSource)(nil)
	_ component.ConnectionOptional = notificationsFactory{}
)

// CreateSource returns the source; the engine serves its path and runs
// its queue's loop.
func (notificationsFactory) CreateSource(ctx context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[NotificationsConfig]("spapi.notifications", cfg)
	if err != nil {
		return nil, err
	}
	s := &notificationsSource{cfg: c, set: set}
	if c.UsesWebhook() {
		if s.ep, err = newIntake(&c.Options, set.Settings, s.publish); err != nil {
			return nil, fmt.Errorf("spapi.notifications: %w", err)
		}
	}
	if c.UsesSQS() {
		conn, _ := set.Connection.(*Connection) // nil without one: AWS's defaults
		if s.sqs, err = newSQSIntake(ctx, "spapi.notifications", c.SQS, conn.sqsAccess(), set.Settings, set.DeadLetter, s.publish); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Routes serves the webhook path, if configured.
func (s *notificationsSource) Routes() map[string]http.Handler {
	if s.ep == nil {
		return nil
	}
	return map[string]http.Handler{s.cfg.Path: s.ep}
}

// Polls is the queue's loop, if configured.
func (s *notificationsSource) Polls() []component.Poll {
	if s.sqs == nil {
		return nil
	}
	return []component.Poll{s.sqs.poll()}
}

// Shutdown lets go of the SQS batch the intake may still hold.
func (s *notificationsSource) Shutdown(context.Context) error {
	if s.sqs != nil {
		s.sqs.release()
	}
	return nil
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
