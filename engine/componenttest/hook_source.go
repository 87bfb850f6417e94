package componenttest

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"

	"github.com/pipewright/pipewright/engine/component"
)

// HookSourceConfig configures the test.hook source.
//
// TEST: publishes each JSON request body, then answers 202.
type HookSourceConfig struct {
	// Path served on the engine's HTTP server.
	Path string `yaml:"path" schema:"required" pattern:"^/hooks/"`
	// Header carrying token (default X-Hook-Token).
	Header string `yaml:"header"`
	// Value the header must carry (a secret; empty: no check).
	Token string `yaml:"token" schema:"secret"`
	// CEL expression giving a message's id (default: a random one).
	ID component.Expr `yaml:"id"`
}

type hookSourceFactory struct{}

// NewHookSourceFactory returns the factory of the test.hook source, a
// stand-in for a push source in engine tests: it serves path on the
// engine's HTTP server and publishes each JSON request body as one message
// before it answers 202 Accepted; it answers 401 to a request without the
// token and 400 to a body that is not JSON, publishing nothing; 503 when
// the publish failed (the sender retries) and 422 when the transport can
// never store it. The engine's source runner serves it from Start and
// answers 503 after Shutdown.
func NewHookSourceFactory() component.SourceFactory { return hookSourceFactory{} }

func (hookSourceFactory) Type() component.Type { return "test.hook" }
func (hookSourceFactory) Kind() component.Kind { return component.KindSource }
func (hookSourceFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "test.hook")
}
func (hookSourceFactory) NewConfig() any                 { return &HookSourceConfig{Header: "X-Hook-Token"} }
func (hookSourceFactory) ConnectionType() component.Type { return "" }

func (hookSourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	return &hookSource{cfg: cfg.(*HookSourceConfig), set: set}, nil
}

// hookSource is served by the engine's source runner, a stand-in for
// every push connector in engine tests.
type hookSource struct {
	component.Lifecycle
	cfg *HookSourceConfig
	set component.SourceSettings
}

var _ component.Pusher = (*hookSource)(nil)

// Routes serves the source's path.
func (s *hookSource) Routes() map[string]http.Handler { return map[string]http.Handler{s.cfg.Path: s} }

func (s *hookSource) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token != "" && r.Header.Get(s.cfg.Header) != s.cfg.Token {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	body, err := component.DecodeJSON(data)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	msg := component.NewMessage(rand.Text(), body)
	if !s.cfg.ID.IsZero() {
		if msg.ID, err = s.cfg.ID.EvalString(r.Context(), msg); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	if err := s.set.Publisher.Publish(r.Context(), msg); component.IsPermanent(err) {
		http.Error(w, "never stored: "+err.Error(), http.StatusUnprocessableEntity)
		return
	} else if err != nil {
		http.Error(w, "not stored", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
