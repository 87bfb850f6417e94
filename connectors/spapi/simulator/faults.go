package simulator

import (
	"net/http"
	"time"
)

// fault is what an injected failure does to a call.
type fault int

const (
	faultNone fault = iota
	// faultError answers with the error response drawn.
	faultError
	// faultDrop closes the connection without an answer.
	faultDrop
	// faultMalformed cuts a successful body in half.
	faultMalformed
)

// drawFault decides whether this call fails (Faults.ErrorRate,
// Faults.ServerErrorRate). The caller holds s.mu.
func (s *Server) drawFault() (response, fault) {
	f := s.cfg.Faults
	if s.chance(f.ErrorRate) {
		switch s.faultRNG.IntN(4) {
		case 0:
			return quotaExceeded(), faultError
		case 1:
			return response{}, faultDrop
		}
		return s.serverError(), faultError
	}
	if s.chance(f.ServerErrorRate) {
		return s.serverError(), faultError
	}
	return response{}, faultNone
}

func (s *Server) serverError() response {
	if s.faultRNG.IntN(2) == 0 {
		return errorResponse(http.StatusInternalServerError, codeInternal, "We encountered an internal error. Please try again.", "")
	}
	return errorResponse(http.StatusServiceUnavailable, codeUnavailable, "Service temporarily unavailable. Please try again later.", "")
}

// chance returns true with probability p. The fault source is separate from
// the generator's, so faults do not change which orders are generated.
func (s *Server) chance(p float64) bool {
	return p > 0 && s.faultRNG.Float64() < p
}

// inStorm reports whether now is inside the configured 429 storm.
func (s *Server) inStorm(now time.Time) bool {
	f := s.cfg.Faults
	if f.StormFor <= 0 {
		return false
	}
	start := s.started.Add(f.StormAfter)
	return !now.Before(start) && now.Before(start.Add(f.StormFor))
}

// dropConnection closes the client's connection without a response, like
// a load balancer resetting it.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}
