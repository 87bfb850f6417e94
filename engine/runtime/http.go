package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpServer is the engine's HTTP server: webhooks registered by sources,
// /metrics, /healthz, /readyz, the dead-letter API under /api/dlq and the
// status page at /.
type httpServer struct {
	e        *Engine
	mux      *http.ServeMux
	mu       sync.Mutex
	patterns map[string]bool
	// home is where / redirects (the console); "" shows the status page.
	home string
	srv  *http.Server
	ln   net.Listener
}

func newHTTPServer(e *Engine) *httpServer {
	s := &httpServer{e: e, mux: http.NewServeMux(), patterns: map[string]bool{}}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(e.registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /{$}", s.root)
	s.mux.HandleFunc("GET /status", s.statusPage)
	s.registerDLQAPI()
	return s
}

// Handle registers a source's handler; a pattern can be taken once.
func (s *httpServer) Handle(pattern string, h http.Handler) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.patterns[pattern] {
		return fmt.Errorf("http path %s is already used by another source", pattern)
	}
	s.patterns[pattern] = true
	s.mux.Handle(pattern, h)
	return nil
}

func (s *httpServer) root(w http.ResponseWriter, r *http.Request) {
	if s.home != "" {
		http.Redirect(w, r, s.home, http.StatusFound)
		return
	}
	s.statusPage(w, r)
}

func (s *httpServer) start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http server: %w", err)
	}
	s.ln = ln
	// A client that trickles its request is cut off: webhook bodies are
	// small, so a whole request fits easily in ReadTimeout. Responses have
	// no deadline because a DLQ replay may take a while.
	s.srv = &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.e.log.Error("http server stopped", "error", err)
		}
	}()
	return nil
}

func (s *httpServer) addr() string {
	if s == nil || s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// stop stops taking requests and waits for the ones in flight (a webhook
// whose message is being published finishes and gets its answer).
func (s *httpServer) stop(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// readiness is the engine's readiness report.
type readiness struct {
	Ready   bool              `json:"ready"`
	Reasons map[string]string `json:"reasons,omitempty"`
}

func (s *httpServer) readiness() readiness {
	r := readiness{Ready: true, Reasons: map[string]string{}}
	if !s.e.conn.NC.IsConnected() {
		r.Ready = false
		r.Reasons["transport"] = "not connected to NATS: " + s.e.conn.NC.Status().String()
	}
	for name, c := range s.e.connections {
		if open, why := c.circuit.State(); open {
			r.Ready = false
			r.Reasons["connection/"+name] = "unavailable (circuit open): " + why
		}
	}
	return r
}

func (s *httpServer) readyz(w http.ResponseWriter, _ *http.Request) {
	r := s.readiness()
	code := http.StatusOK
	if !r.Ready {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, r)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
