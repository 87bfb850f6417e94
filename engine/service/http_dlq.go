package service

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/internal/access"
)

// registerDLQAPI serves the dead-letter operations as JSON (reference:
// docs/dead-letters.md):
//
//	GET    /api/dlq                 records (filters: status, pipeline, step, group, key, error, since, until, limit; full, mask)
//	GET    /api/dlq/groups          open records grouped by pipeline and reason
//	GET    /api/dlq/{seq}           one record
//	DELETE /api/dlq/{seq}           drop it for good
//	POST   /api/dlq/{seq}/replay    replay it (?wait=10s&resume=true; body: an edited step input)
//	POST   /api/dlq/{seq}/resolve   resolve it ({"note": "..."})
//	POST   /api/dlq/{seq}/approve   approve a held message ({"by": "...", "note": "..."}; ?wait=10s): it continues past its guard
//	POST   /api/dlq/{seq}/reject    reject a held message ({"by": "...", "note": "..."}): it is dropped
//	POST   /api/dlq/replay          bulk replay ({"filter": {...}, "rate": 5}): a job
//	POST   /api/dlq/resolve         bulk resolve ({"filter": {...}, "note": "..."}): a job
//	GET    /api/dlq/jobs[/{id}]     bulk jobs and their progress
//	GET    /api/replays/{id}        a replay's outcome
//
// Loopback clients are served as they are (unless server.trust_loopback is
// false); every other client needs "Authorization: Bearer TOKEN" with
// server.admin_token. State-changing requests from another site (a web
// page the operator's browser shows) are refused.
func (s *httpServer) registerDLQAPI() {
	s.mux.Handle("GET /api/dlq", s.admin(s.dlqList))
	s.mux.Handle("GET /api/dlq/groups", s.admin(s.dlqGroups))
	s.mux.Handle("GET /api/dlq/{seq}", s.admin(s.dlqShow))
	s.mux.Handle("DELETE /api/dlq/{seq}", s.admin(s.dlqDrop))
	s.mux.Handle("POST /api/dlq/{seq}/replay", s.admin(s.dlqReplay))
	s.mux.Handle("POST /api/dlq/{seq}/resolve", s.admin(s.dlqResolve))
	s.mux.Handle("POST /api/dlq/{seq}/approve", s.admin(s.dlqApprove))
	s.mux.Handle("POST /api/dlq/{seq}/reject", s.admin(s.dlqReject))
	s.mux.Handle("POST /api/dlq/replay", s.admin(s.dlqBulk(BulkReplay)))
	s.mux.Handle("POST /api/dlq/resolve", s.admin(s.dlqBulk(BulkResolve)))
	s.mux.Handle("GET /api/dlq/jobs", s.admin(s.dlqJobs))
	s.mux.Handle("GET /api/dlq/jobs/{id}", s.admin(s.dlqJob))
	s.mux.Handle("GET /api/replays/{id}", s.admin(s.replayShow))
}

func (s *httpServer) admin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !access.Safe(r.Method) && access.CrossSite(r) {
			writeError(w, http.StatusForbidden, "forbidden", "cross-site request refused")
			return
		}
		switch s.e.AccessPolicy().Check(r, false) {
		case access.NeedToken:
			writeError(w, http.StatusUnauthorized, "unauthorized", "unauthorized")
			return
		case access.NoToken:
			writeError(w, http.StatusForbidden, "forbidden", "set server.admin_token to use the API from another host")
			return
		}
		h(w, r)
	})
}

// writeError answers {"error": message, "code": code}; codes are stable:
// bad_request, unauthorized, forbidden, not_found, conflict, internal.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"error": message, "code": code})
}

func writeAdminErr(w http.ResponseWriter, err error) {
	var se *StateError
	switch {
	case errors.Is(err, ErrNoDeadLetter):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.As(err, &se):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	default:
		writeError(w, http.StatusInternalServerError, "internal", err.Error())
	}
}

func seqParam(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "want a dead-letter id (a number)")
		return 0, false
	}
	return seq, true
}

func (s *httpServer) dlqShow(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqParam(w, r)
	if !ok {
		return
	}
	a := s.e.Admin()
	rec, err := a.Get(r.Context(), seq)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.present(r, rec, true))
}

// present prepares a record for output (Admin.Present), masked when the
// request asks (?mask=true).
func (s *httpServer) present(r *http.Request, rec *DeadLetter, full bool) *DeadLetter {
	mask, _ := strconv.ParseBool(r.URL.Query().Get("mask"))
	return s.e.Admin().Present(rec, full, mask)
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
		writeError(w, http.StatusRequestEntityTooLarge, "bad_request", err.Error())
		return
	}
	q := r.URL.Query()
	var req ReplayRequest
	req.Resume, _ = strconv.ParseBool(q.Get("resume"))
	if len(strings.TrimSpace(string(body))) > 0 {
		if !json.Valid(body) {
			writeError(w, http.StatusBadRequest, "bad_request", "the edited step input is not valid JSON")
			return
		}
		req.Body = body
	}
	wait, _ := time.ParseDuration(q.Get("wait"))
	o, err := s.e.Admin().ReplayAndWait(r.Context(), seq, req, wait)
	s.writeOutcome(w, r, o, err)
}

// writeOutcome answers a replay's outcome (its new dead letter presented
// as the request asks), or the error.
func (s *httpServer) writeOutcome(w http.ResponseWriter, r *http.Request, o *ReplayOutcome, err error) {
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	if o.DeadLetter != nil {
		o.DeadLetter = s.present(r, o.DeadLetter, false)
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *httpServer) dlqResolve(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqParam(w, r)
	if !ok {
		return
	}
	var body struct {
		Note string `json:"note"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || body.Note == "" {
		writeError(w, http.StatusBadRequest, "bad_request", `want {"note": "what was done"}`)
		return
	}
	rec, err := s.e.Admin().Resolve(r.Context(), seq, body.Note)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.present(r, rec, false))
}

func (s *httpServer) replayShow(w http.ResponseWriter, r *http.Request) {
	o, err := s.e.Admin().Outcome(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, o)
}
