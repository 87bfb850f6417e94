package service

import (
	"net/http"
	"time"
)

// registerOpsAPI serves reload and health as JSON (see docs/api-health.md):
//
//	POST /api/reload   reload the directory; 200 applied or unchanged, 422 refused
//	GET  /api/health   readiness with every part's details
//
// Both need the admin token or a loopback client, like the DLQ API.
func (s *httpServer) registerOpsAPI() {
	s.mux.Handle("POST /api/reload", s.admin(s.reload))
	s.mux.Handle("GET /api/health", s.admin(s.health))
}

func (s *httpServer) reload(w http.ResponseWriter, r *http.Request) {
	res := s.e.Reload(r.Context(), "api")
	code := http.StatusOK
	if res.Status == ReloadRefused {
		code = http.StatusUnprocessableEntity
	}
	writeJSON(w, code, res)
}

// Health is the engine's state for operators and the console.
type Health struct {
	Readiness
	Instance string `json:"instance"`
	Project  string `json:"project"`
	// Version is the content hash of the directory the engine runs.
	Version  string    `json:"version"`
	LoadedAt time.Time `json:"loaded_at"`
	// Watch is how often the directory is polled for changes ("" if not).
	Watch       string             `json:"watch,omitempty"`
	PublicURL   string             `json:"public_url"`
	Transport   TransportHealth    `json:"transport"`
	Connections []ConnectionHealth `json:"connections"`
	DataDir     DataDirHealth      `json:"data_dir"`
	Reload      ReloadHealth       `json:"reload"`
	// Notifications are the notification destinations components
	// configured and whether they reach this engine (nil until checked).
	Notifications []DestinationHealth `json:"notifications"`
}

// TransportHealth is the NATS connection's state.
type TransportHealth struct {
	Mode      string `json:"mode"` // embedded or external
	Connected bool   `json:"connected"`
	Status    string `json:"status"`
}

// ReloadHealth is what became of reloads.
type ReloadHealth struct {
	Last        *ReloadResult `json:"last,omitempty"`
	LastRefused *ReloadResult `json:"last_refused,omitempty"`
	// Broken says why components of the running version are stopped
	// after a failed reload ("" when all run).
	Broken string `json:"broken,omitempty"`
}

// Health returns the engine's state (only readiness before Start).
func (e *Engine) Health() Health {
	g := e.gen()
	if g == nil {
		return Health{Readiness: e.readiness(), Instance: e.instance}
	}
	h := Health{Readiness: e.readiness(), Instance: e.instance, Project: g.project.Name, Version: g.version,
		LoadedAt: g.loadedAt.UTC(), PublicURL: e.publicURL(), Connections: e.connectionHealth(), DataDir: e.dataDirHealth(),
		Reload: e.reloadHealth(), Notifications: e.dests.get(),
		Transport: TransportHealth{Mode: e.transportDesc(), Connected: e.conn.NC.IsConnected(), Status: e.conn.NC.Status().String()}}
	if e.opts.WatchEvery > 0 && e.opts.Load != nil {
		h.Watch = e.opts.WatchEvery.String()
	}
	return h
}

func (e *Engine) reloadHealth() ReloadHealth {
	var r ReloadHealth
	r.Last, r.LastRefused, r.Broken = e.reloads.state()
	return r
}

// health answers 200 whether or not the engine is ready (/readyz is the
// probe); the body says.
func (s *httpServer) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.e.Health())
}
