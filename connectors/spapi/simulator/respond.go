package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// write sends a response in Amazon's manner: JSON without HTML escaping,
// x-amzn-RateLimit-Limit where the models declare it (success, 400, 404),
// and on 429 the x-amzn-ErrorType header and nothing else: no Retry-After
// and no rate limit. A malformed response is cut in half.
func (s *Server) write(w http.ResponseWriter, resp response, limit string, malformed bool) {
	h := w.Header()
	if limit != "" && (resp.status < 300 || resp.status == http.StatusBadRequest || resp.status == http.StatusNotFound) {
		h.Set("x-amzn-RateLimit-Limit", limit)
	}
	if resp.status == http.StatusTooManyRequests {
		h.Set("x-amzn-ErrorType", "TooManyRequestsException")
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	data, err := encodeJSON(resp.body)
	if err != nil {
		resp = errorResponse(http.StatusInternalServerError, codeInternal, "We encountered an internal error. Please try again.", "")
		data, _ = encodeJSON(resp.body)
	}
	if malformed {
		data = data[:len(data)/2]
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(data)
}

// encodeJSON encodes v without escaping <, > and &.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
