package service

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// publicURL is where senders reach the engine: server.public_url, else
// http:// and the listener's address, with a wildcard host (0.0.0.0, ::)
// replaced by 127.0.0.1. Deriving it means changing only the listen address
// moves the notifications with it.
func (e *Engine) publicURL() string {
	if u := e.opts.Project.Server.PublicURL; u != "" {
		return strings.TrimSuffix(u, "/")
	}
	host, port, err := net.SplitHostPort(e.http.addr())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// DestinationHealth is whether a notification destination that a
// component configured reaches this engine.
type DestinationHealth struct {
	// Connection is the connection that configured it.
	Connection string `json:"connection"`
	URL        string `json:"url"`
	Reaches    bool   `json:"reaches"`
	// Problem says why notifications sent there would be lost.
	Problem   string    `json:"problem,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// destinations holds the outcome of the last destination check.
type destinations struct {
	mu   sync.Mutex
	last []DestinationHealth
}

func (d *destinations) get() []DestinationHealth {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// checkNotificationDestinations checks, in the background, each
// notification URL the connections of g configured, and warns about the
// ones that do not reach one of this engine's webhook paths: notifications
// sent there would be lost.
func (e *Engine) checkNotificationDestinations(g *generation) {
	type dest struct{ conn, url string }
	var todo []dest
	for _, name := range sortedKeys(g.connections) {
		if ns, ok := g.connections[name].conn.(component.NotificationSender); ok {
			for _, u := range ns.NotificationURLs() {
				todo = append(todo, dest{name, u})
			}
		}
	}
	go func() {
		out := make([]DestinationHealth, 0, len(todo))
		for _, d := range todo {
			h := DestinationHealth{Connection: d.conn, URL: e.secrets.redact(d.url), Reaches: true}
			if err := e.checkDestination(context.Background(), d.url); err != nil {
				h.Reaches, h.Problem = false, e.secrets.redact(err.Error())
				e.log.Warn("notifications will not reach this engine: fix server.public_url or the destination; until then only polling finds new data",
					"connection", d.conn, "destination", h.URL, "engine", e.publicURL(), "problem", h.Problem)
			}
			h.CheckedAt = time.Now().UTC()
			out = append(out, h)
		}
		e.dests.mu.Lock()
		e.dests.last = out
		e.dests.mu.Unlock()
	}()
}

// checkDestination checks that u names a webhook path this engine serves
// and that its host answers with this engine's instance id.
func (e *Engine) checkDestination(ctx context.Context, u string) error {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", u)
	}
	req := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: parsed.Path}, Host: parsed.Host}
	if _, pattern := e.http.mux.Handler(req); !e.http.serves(pattern) {
		return fmt.Errorf("no source of this engine serves the path %s (webhook paths: %s)", parsed.Path, strings.Join(e.http.patterns(), ", "))
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	probe := (&url.URL{Scheme: parsed.Scheme, Host: parsed.Host, Path: "/healthz"}).String()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, probe, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return fmt.Errorf("%s does not answer: %w", parsed.Host, unwrapURLError(err))
	}
	defer resp.Body.Close()
	var body struct {
		Instance string `json:"instance"`
	}
	if json.NewDecoder(resp.Body).Decode(&body) != nil || body.Instance != e.instance {
		return fmt.Errorf("%s is another process, not this engine", parsed.Host)
	}
	return nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// serves reports whether pattern is a webhook route a source holds.
func (s *httpServer) serves(pattern string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.routes[pattern]
	return rt != nil && rt.owner != nil
}
