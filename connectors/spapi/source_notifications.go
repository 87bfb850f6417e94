package spapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

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

// notificationsSource publishes each accepted notification before
// answering 2xx.
type notificationsSource struct {
	cfg *NotificationsConfig
	set component.SourceSettings
}

// CreateSource returns the source; Start registers its path.
func (notificationsFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[NotificationsConfig]("spapi.notifications", cfg)
	if err != nil {
		return nil, err
	}
	return &notificationsSource{cfg: c, set: set}, nil
}

// Start registers the webhook path.
func (s *notificationsSource) Start(context.Context) error {
	if err := s.set.HTTP.Handle(s.cfg.Path, http.HandlerFunc(s.serve)); err != nil {
		return fmt.Errorf("spapi.notifications: %w", err)
	}
	return nil
}

// Shutdown does nothing: requests end with the engine's HTTP server.
func (s *notificationsSource) Shutdown(context.Context) error { return nil }

func (s *notificationsSource) serve(w http.ResponseWriter, r *http.Request) {
	n, ierr := s.cfg.receive(r)
	if ierr != nil {
		answer(w, ierr.status, ierr.Error())
		return
	}
	if !slices.Contains(s.cfg.Types, n.header.Type) {
		answer(w, http.StatusBadRequest, fmt.Sprintf("this path does not take %s notifications", n.header.Type))
		return
	}
	body, err := component.DecodeJSON(n.body)
	if err != nil {
		answer(w, http.StatusBadRequest, err.Error())
		return
	}
	m := component.NewMessage(n.header.ID, body)
	m.SetMeta(component.MetaKey, n.header.ID)
	m.SetMeta(component.MetaReceivedAt, s.set.Clock.Now().UTC().Format(time.RFC3339))
	m.SetMeta(MetaNotificationType, n.header.Type)
	if err := s.set.Publisher.Publish(r.Context(), m); err != nil {
		s.set.Logger.Error("spapi.notifications: publishing failed", "error", err)
		answer(w, http.StatusServiceUnavailable, "could not store the notification; retry")
		return
	}
	answer(w, http.StatusOK, "published")
}
