package service

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
// /metrics, /healthz, /readyz, the dead-letter, reload and health API under
// /api and the status page at /.
type httpServer struct {
	e      *Engine
	mux    *http.ServeMux
	mu     sync.Mutex
	routes map[string]*route // webhook routes by pattern
	// home is where / redirects (the console); "" shows the status page.
	home string
	srv  *http.Server
	ln   net.Listener
}

// route is a webhook pattern and the source serving it now. A restarted
// source takes its pattern over; in between, senders are asked to retry.
type route struct {
	owner *registrar
	h     http.Handler
}

// registrar registers one source instance's handlers.
type registrar struct {
	s  *httpServer
	id string
}

func newHTTPServer(e *Engine) *httpServer {
	s := &httpServer{e: e, mux: http.NewServeMux(), routes: map[string]*route{}}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(e.registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "instance": e.instance})
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /{$}", s.root)
	s.mux.HandleFunc("GET /status", s.statusPage)
	s.registerDLQAPI()
	s.registerOpsAPI()
	s.registerOwnersAPI()
	s.registerListingsAPI()
	return s
}

// registrar returns the registrar of a source instance.
func (s *httpServer) registrar(id string) *registrar { return &registrar{s: s, id: id} }

// Handle registers a source's handler; a pattern can be held by one source
// at a time.
func (r *registrar) Handle(pattern string, h http.Handler) (err error) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if rt := s.routes[pattern]; rt != nil {
		if rt.owner != nil {
			return fmt.Errorf("http path %s is already used by %s", pattern, rt.owner.id)
		}
		rt.owner, rt.h = r, h
		return nil
	}
	defer func() {
		if p := recover(); p != nil { // the mux refuses conflicting patterns
			err = fmt.Errorf("http path %s: %v", pattern, p)
		}
	}()
	rt := &route{owner: r, h: h}
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { s.serveRoute(rt, w, req) }))
	s.routes[pattern] = rt
	return nil
}

func (s *httpServer) root(w http.ResponseWriter, r *http.Request) {
	if s.home != "" {
		http.Redirect(w, r, s.home, http.StatusFound)
		return
	}
	s.statusPage(w, r)
}

func (s *httpServer) serveRoute(rt *route, w http.ResponseWriter, req *http.Request) {
	s.mu.Lock()
	h := rt.h
	if rt.owner == nil {
		h = nil
	}
	s.mu.Unlock()
	if h == nil {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the source serving this path is restarting; retry"})
		return
	}
	h.ServeHTTP(w, req)
}

// release frees the patterns a source instance held.
func (s *httpServer) release(r *registrar) {
	if s == nil || r == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rt := range s.routes {
		if rt.owner == r {
			rt.owner, rt.h = nil, nil
		}
	}
}

// patterns returns the webhook patterns served now.
func (s *httpServer) patterns() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []string
	for p, rt := range s.routes {
		if rt.owner != nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// listen opens the listener; serve starts answering once the engine is up.
func (s *httpServer) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http server: %w", err)
	}
	s.ln = ln
	return nil
}

func (s *httpServer) serve() {
	// A client that trickles its request is cut off: webhook bodies are
	// small, so a whole request fits easily in ReadTimeout. Responses have
	// no deadline because a DLQ replay or a reload may take a while.
	s.srv = &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.e.log.Error("http server stopped", "error", err)
		}
	}()
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
		if s.ln != nil {
			return s.ln.Close()
		}
		return nil
	}
	return s.srv.Shutdown(ctx)
}

func (s *httpServer) readyz(w http.ResponseWriter, _ *http.Request) {
	r := s.e.readiness()
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
