package runtime

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// registerDLQAPI serves the dead-letter operations as JSON:
//
//	GET    /api/dlq?pipeline=&step=&error=&since=&until=&limit=
//	GET    /api/dlq/{seq}
//	DELETE /api/dlq/{seq}
//	POST   /api/dlq/{seq}/replay[?wait=10s]   body: optional edited step input
//	GET    /api/replays/{id}
//
// With server.admin_token set, requests need "Authorization: Bearer TOKEN";
// without it, only loopback clients are served.
func (s *httpServer) registerDLQAPI() {
	s.mux.Handle("GET /api/dlq", s.admin(s.dlqList))
	s.mux.Handle("GET /api/dlq/{seq}", s.admin(s.dlqShow))
	s.mux.Handle("DELETE /api/dlq/{seq}", s.admin(s.dlqDrop))
	s.mux.Handle("POST /api/dlq/{seq}/replay", s.admin(s.dlqReplay))
	s.mux.Handle("GET /api/replays/{id}", s.admin(s.replayShow))
}

func (s *httpServer) admin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token := s.e.project.Server.AdminToken; token != "" {
			got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
				return
			}
		} else if !isLoopback(r.RemoteAddr) {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "set server.admin_token to use the API from another host"})
			return
		}
		h(w, r)
	})
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// FilterFromQuery reads a dead-letter filter from URL query values.
func FilterFromQuery(q map[string][]string) (DeadLetterFilter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := DeadLetterFilter{Pipeline: get("pipeline"), Step: get("step"), ErrorContains: get("error")}
	var err error
	for key, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := get(key); v != "" {
			if *dst, err = time.Parse(time.RFC3339, v); err != nil {
				return f, errors.New(key + ": want an RFC 3339 time")
			}
		}
	}
	if v := get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil {
			return f, errors.New("limit: want a number")
		}
	}
	return f, nil
}

func (s *httpServer) dlqList(w http.ResponseWriter, r *http.Request) {
	f, err := FilterFromQuery(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	recs, err := s.e.Admin().List(r.Context(), f)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if recs == nil {
		recs = []*DeadLetter{}
	}
	writeJSON(w, http.StatusOK, recs)
}

func seqParam(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want a dead-letter sequence number"})
		return 0, false
	}
	return seq, true
}

func writeAdminErr(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrNoDeadLetter) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
}

func (s *httpServer) dlqShow(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqParam(w, r)
	if !ok {
		return
	}
	rec, err := s.e.Admin().Get(r.Context(), seq)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *httpServer) dlqDrop(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqParam(w, r)
	if !ok {
		return
	}
	if err := s.e.Admin().Drop(r.Context(), seq); err != nil {
		writeAdminErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dropped": seq})
}

func (s *httpServer) dlqReplay(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqParam(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": err.Error()})
		return
	}
	var edited json.RawMessage
	if len(strings.TrimSpace(string(body))) > 0 {
		edited = body
	}
	a := s.e.Admin()
	id, err := a.Replay(r.Context(), seq, edited)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	wait, _ := time.ParseDuration(r.URL.Query().Get("wait"))
	o, err := a.WaitOutcome(r.Context(), id, wait)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *httpServer) replayShow(w http.ResponseWriter, r *http.Request) {
	o, err := s.e.Admin().Outcome(r.Context(), r.PathValue("id"))
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, o)
}
