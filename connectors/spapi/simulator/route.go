package simulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// maxBody bounds request bodies (a feed document may be several MB).
const maxBody = 32 << 20

// operation is an SP-API operation the simulator serves. Its method, path
// and default rate limit come from the embedded model.
type operation struct {
	op *models.Operation
	// grantless operations take an LWA client_credentials token instead of
	// a seller's.
	grantless bool
	handle    func(c *call) response
}

// call is one request to an operation, handled under the server's lock.
type call struct {
	r     *http.Request
	now   time.Time
	token *accessToken
	body  []byte
	query url.Values
}

// pathValue returns a path parameter.
func (c *call) pathValue(name string) string { return c.r.PathValue(name) }

// baseURL is the scheme and host the client reached us on, for the
// document URLs we hand out.
func (c *call) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

// serve registers the handler of a model operation, named as
// models.LookupOperation names it.
func (s *Server) serve(name string, grantless bool, h func(c *call) response) {
	op, err := models.LookupOperation(name)
	if err != nil {
		panic(fmt.Sprintf("simulator: %v", err)) // a typo in the route table; tests catch it
	}
	o := &operation{op: op, grantless: grantless, handle: h}
	s.ops = append(s.ops, op)
	s.mux.HandleFunc(op.Method+" "+op.Path, func(w http.ResponseWriter, r *http.Request) { s.serveOperation(w, r, o) })
}

func (s *Server) serveOperation(w http.ResponseWriter, r *http.Request, o *operation) {
	w.Header().Set("x-amzn-RequestId", s.requestID())
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		s.write(w, errorResponse(http.StatusRequestEntityTooLarge, codeInvalidInput, "The request body is too large or unreadable.", ""), "", false)
		return
	}
	resp, limit, f := s.dispatch(r, o, body)
	if d := s.cfg.Faults.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
	s.cfg.Logger.Debug("sp-api call", "operation", o.op.Name, "method", r.Method, "path", r.URL.Path, "status", resp.status,
		"fault", f != faultNone, "request_id", w.Header().Get("x-amzn-RequestId"))
	if f == faultDrop {
		dropConnection(w)
		return
	}
	s.write(w, resp, limit, f == faultMalformed)
}

// dispatch runs a call: the world catches up with the clock, then
// authentication, the 429 storm, the rate limit, injected faults, the
// model's parameter and body checks and finally the handler. It returns the
// response, the rate limit to advertise and the fault to apply on the wire.
func (s *Server) dispatch(r *http.Request, o *operation, body []byte) (response, string, fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{r: r, now: s.advance(), body: body, query: r.URL.Query()}
	s.stats.Calls[o.op.Name]++
	tok, denied := s.authenticate(r, o, c.now)
	if denied != nil {
		return *denied, "", faultNone
	}
	c.token = tok
	limit, allowed := s.takeToken(tok, o.op, c.now)
	if !allowed || s.inStorm(c.now) {
		s.stats.Throttled[o.op.Name]++
		return quotaExceeded(), "", faultNone
	}
	if resp, f := s.drawFault(); f != faultNone {
		return resp, "", f
	}
	if msg := checkRequest(o.op, c.query, body); msg != "" {
		return errorResponse(http.StatusBadRequest, invalidCode(o.op), msg, ""), limit, faultNone
	}
	resp := o.handle(c)
	if resp.status < 300 && resp.body != nil && s.chance(s.cfg.Faults.MalformedRate) {
		return resp, limit, faultMalformed
	}
	return resp, limit, faultNone
}

// invalidCode is the error code for a bad request: the Tokens API says
// InvalidRequest where the others say InvalidInput.
func invalidCode(op *models.Operation) string {
	if op.API == "tokens" {
		return codeInvalidRequest
	}
	return codeInvalidInput
}

// requestID returns a UUID-shaped request id.
func (s *Server) requestID() string {
	n := s.requests.Add(1)
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", uint32(s.cfg.Seed), uint16(n>>48), uint16(n>>36)&0xfff, uint16(n>>24)&0xfff, n&0xffffffffffff)
}
