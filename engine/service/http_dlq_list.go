package service

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// FilterFromQuery reads a dead-letter filter from URL query values:
// status (open, the default; resolved; all), pipeline, step, group, key,
// error (text the error contains), since and until (RFC 3339 times, or a
// duration such as 24h meaning that long ago), limit.
func FilterFromQuery(q url.Values) (DeadLetterFilter, error) {
	f := DeadLetterFilter{Pipeline: q.Get("pipeline"), Step: q.Get("step"), Class: q.Get("class"), Group: q.Get("group"),
		Key: q.Get("key"), ErrorContains: q.Get("error")}
	switch st := q.Get("status"); st {
	case "", StatusOpen:
		f.Status = StatusOpen
	case StatusResolved:
		f.Status = StatusResolved
	case "all":
	default:
		return f, fmt.Errorf("status %q: want open, resolved or all", st)
	}
	var err error
	for key, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if *dst, err = parseWhen(q.Get(key)); err != nil {
			return f, fmt.Errorf("%s: %w", key, err)
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 0 {
			return f, errors.New("limit: want a number")
		}
	}
	return f, nil
}

func parseWhen(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return time.Now().Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, errors.New("want an RFC 3339 time (2026-11-01T00:00:00Z) or a duration ago (24h)")
	}
	return t, nil
}

// filterParam reads the request's filter, answering 400 when it is bad.
func filterParam(w http.ResponseWriter, r *http.Request) (DeadLetterFilter, url.Values, bool) {
	q := r.URL.Query()
	f, err := FilterFromQuery(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
	}
	return f, q, err == nil
}

func (s *httpServer) dlqList(w http.ResponseWriter, r *http.Request) {
	f, q, ok := filterParam(w, r)
	if !ok {
		return
	}
	recs, err := s.e.Admin().List(r.Context(), f)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	full, _ := strconv.ParseBool(q.Get("full"))
	out := make([]*DeadLetter, len(recs))
	for i, rec := range recs {
		out[i] = s.present(r, rec, full)
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": out, "count": len(out)})
}

func (s *httpServer) dlqGroups(w http.ResponseWriter, r *http.Request) {
	f, q, ok := filterParam(w, r)
	if !ok {
		return
	}
	examples := 3
	if v := q.Get("examples"); v != "" {
		var err error
		if examples, err = strconv.Atoi(v); err != nil || examples < 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "examples: want a number")
			return
		}
	}
	groups, err := s.e.Admin().Groups(r.Context(), f, examples)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	for _, g := range groups {
		for i, ex := range g.Examples {
			g.Examples[i] = s.present(r, ex, false)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": groups, "count": len(groups)})
}

// BulkBody is the JSON body of POST /api/dlq/replay and /api/dlq/resolve.
type BulkBody struct {
	// Filter takes the query parameters of GET /api/dlq (status aside:
	// only open records are taken).
	Filter map[string]string `json:"filter"`
	// All takes every open record when the filter is empty (a guard
	// against replaying everything by mistake).
	All  bool   `json:"all,omitempty"`
	Note string `json:"note,omitempty"`
	// Rate is replays per second; Wait how long to wait for outcomes after
	// the last one was sent (a duration such as 2m).
	Rate float64 `json:"rate,omitempty"`
	Wait string  `json:"wait,omitempty"`
}

// Request turns the body into a bulk request for action.
func (b BulkBody) Request(action string) (BulkRequest, error) {
	q := url.Values{}
	for k, v := range b.Filter {
		if k == "status" || k == "limit" {
			return BulkRequest{}, fmt.Errorf("filter: %s does not apply to bulk actions (they take the open records)", k)
		}
		q.Set(k, v)
	}
	f, err := FilterFromQuery(q)
	if err != nil {
		return BulkRequest{}, fmt.Errorf("filter: %w", err)
	}
	req := BulkRequest{Action: action, Filter: f, Note: b.Note, Rate: b.Rate}
	if b.Wait != "" {
		if req.Wait, err = time.ParseDuration(b.Wait); err != nil {
			return req, fmt.Errorf("wait: want a duration such as 2m")
		}
	}
	return req, nil
}

func (s *httpServer) dlqBulk(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body BulkBody
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "want a JSON body: "+err.Error())
			return
		}
		req, err := body.Request(action)
		if err == nil && len(body.Filter) == 0 && !body.All {
			err = errors.New(`filter: name what to take (pipeline, step, group, key, error, since, until), or set "all": true for every open record`)
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		job, err := s.e.Admin().StartBulk(req)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		writeJSON(w, http.StatusAccepted, job)
	}
}

func (s *httpServer) dlqJobs(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"jobs": s.e.Admin().Jobs()})
}

func (s *httpServer) dlqJob(w http.ResponseWriter, r *http.Request) {
	job, ok := s.e.Admin().JobStatus(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no such job (jobs end with the engine that ran them)")
		return
	}
	writeJSON(w, http.StatusOK, job)
}
