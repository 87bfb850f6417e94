package webhook

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// rejection is a refused request: status and message go to the sender,
// reason (never a credential) only to the log.
type rejection struct {
	status     int
	msg        string
	reason     string
	violations []string
	retryAfter time.Duration
}

func reject(status int, msg, reason string) *rejection {
	return &rejection{status: status, msg: msg, reason: reason}
}

// Rejections whose response says no more than the status does.
var (
	errMethod = reject(http.StatusMethodNotAllowed, "method not allowed: use POST", "method")
)

func unauthorized(reason string) *rejection {
	return reject(http.StatusUnauthorized, "unauthorized", reason)
}

func tooLarge(limit int64) *rejection {
	return reject(http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", limit), "body too large")
}

func (r *rejection) write(w http.ResponseWriter) {
	body := map[string]any{"error": r.msg}
	if len(r.violations) > 0 {
		body["violations"] = r.violations
	}
	switch r.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", http.MethodPost)
	case http.StatusServiceUnavailable:
		if r.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((r.retryAfter+time.Second-1)/time.Second)))
		}
	}
	writeJSON(w, r.status, body)
}

func writeJSON(w http.ResponseWriter, status int, body map[string]any) {
	data, err := component.EncodeJSON(body)
	if err != nil { // only strings are encoded here
		status, data = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
