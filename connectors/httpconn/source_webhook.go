package httpconn

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	nethttp "net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
)

// webhookFactory creates http.webhook sources.
type webhookFactory struct{}

var _ component.SourceFactory = webhookFactory{}

// NewWebhookFactory returns the factory of the http.webhook source.
func NewWebhookFactory() component.SourceFactory { return webhookFactory{} }

func (webhookFactory) Type() component.Type { return "http.webhook" }
func (webhookFactory) Kind() component.Kind { return component.KindSource }
func (webhookFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "http.webhook")
}
func (webhookFactory) NewConfig() any                 { return &WebhookConfig{} }
func (webhookFactory) ConnectionType() component.Type { return "" }

func (webhookFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	s := &webhookSource{cfg: cfg.(*WebhookConfig), set: set}
	ep, err := webhook.New(&s.cfg.Options, set.Settings, "http", s.handle)
	if err != nil {
		return nil, err
	}
	s.ep = ep
	return s, nil
}

// webhookSource publishes one message per verified request.
type webhookSource struct {
	component.Lifecycle
	cfg *WebhookConfig
	set component.SourceSettings
	ep  *webhook.Endpoint
}

var _ component.Pusher = (*webhookSource)(nil)

// Routes serves the path on the engine's HTTP server.
func (s *webhookSource) Routes() map[string]nethttp.Handler {
	return map[string]nethttp.Handler{s.cfg.Path: s.ep}
}

// handle builds the message and publishes it; the endpoint answers 202 only
// when this returns nil.
func (s *webhookSource) handle(ctx context.Context, req *webhook.Request) (string, error) {
	msg := component.NewMessage("", req.Body)
	msg.SetMeta(component.MetaReceivedAt, req.ReceivedAt.UTC().Format(time.RFC3339Nano))
	for _, h := range s.cfg.MetadataHeaders {
		if vs := req.Header.Values(h); len(vs) > 0 {
			msg.SetMeta(strings.ToLower(h), strings.Join(vs, ", "))
		}
	}
	id, err := s.messageID(ctx, req, msg)
	if err != nil {
		return "", err
	}
	msg.ID = id
	if err := s.set.Publisher.Publish(ctx, msg); err != nil {
		return "", fmt.Errorf("publishing: %w", err)
	}
	return id, nil
}

// messageID returns the id from the id expression, the id header or, when
// neither is configured, a random one. A request that does not yield an id
// is the sender's fault: the error is permanent (400).
func (s *webhookSource) messageID(ctx context.Context, req *webhook.Request, msg *component.Message) (string, error) {
	var id string
	switch {
	case !s.cfg.ID.IsZero():
		v, err := s.cfg.ID.Eval(ctx, msg)
		if errors.Is(err, component.ErrUnbound) {
			return "", err
		}
		if err != nil {
			return "", component.Permanentf("id: %v", err)
		}
		switch x := v.(type) {
		case string:
			id = x
		case int64:
			id = strconv.FormatInt(x, 10)
		default:
			return "", component.Permanentf("id: want a string or an integer, got %s", component.TypeName(v))
		}
	case s.cfg.IDHeader != "":
		id = req.Header.Get(s.cfg.IDHeader)
		if id == "" {
			return "", component.Permanentf("missing header %s (the message id)", s.cfg.IDHeader)
		}
	default:
		return rand.Text(), nil
	}
	if id == "" {
		return "", component.Permanentf("id: the expression gave an empty string")
	}
	msg.SetMeta(component.MetaKey, id)
	return id, nil
}
