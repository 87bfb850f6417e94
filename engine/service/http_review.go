package service

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// reviewBody is what approve and reject take.
type reviewBody struct {
	By   string `json:"by"`
	Note string `json:"note"`
}

// reviewRequest reads the record id and the review, answering 400 when
// either is bad.
func reviewRequest(w http.ResponseWriter, r *http.Request) (uint64, reviewBody, bool) {
	var body reviewBody
	seq, ok := seqParam(w, r)
	if !ok {
		return 0, body, false
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || strings.TrimSpace(body.By) == "" {
		writeError(w, http.StatusBadRequest, "bad_request", `want {"by": "who decides", "note": "why"}`)
		return 0, body, false
	}
	return seq, body, true
}

func (s *httpServer) dlqApprove(w http.ResponseWriter, r *http.Request) {
	seq, body, ok := reviewRequest(w, r)
	if !ok {
		return
	}
	wait, _ := time.ParseDuration(r.URL.Query().Get("wait"))
	o, err := s.e.Admin().Approve(r.Context(), seq, body.By, body.Note, wait)
	s.writeOutcome(w, r, o, err)
}

func (s *httpServer) dlqReject(w http.ResponseWriter, r *http.Request) {
	seq, body, ok := reviewRequest(w, r)
	if !ok {
		return
	}
	rec, err := s.e.Admin().Reject(r.Context(), seq, body.By, body.Note)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.present(r, rec, false))
}
