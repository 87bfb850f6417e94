package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/pipewright/pipewright/engine/component"
)

// Request is a verified webhook request.
type Request struct {
	// Body is the decoded JSON body (the message value model).
	Body any
	// Raw is the body as received.
	Raw []byte
	// Header is the request's header, credentials included: copy only what
	// the connector's options name.
	Header http.Header
	// ReceivedAt is when the endpoint received the request (engine clock).
	ReceivedAt time.Time
}

// HandleFunc makes a verified request durable (publishes it, or records it
// in State) and returns the id the response reports. It is called
// concurrently. A nil error answers 202; an error marked component.Permanent
// answers 400 with the error text (which must not hold a secret); any other
// error answers 503, so that the sender retries (with a Retry-After from
// component.RetryableAfter, when given).
type HandleFunc func(ctx context.Context, req *Request) (id string, err error)

// Endpoint is an http.Handler that verifies webhook requests and passes them
// to a HandleFunc. A source returns it from Routes at Options.Path
// (component.Pusher): the engine serves it, refuses new requests while the
// source shuts down and waits for those in flight.
type Endpoint struct {
	path    string
	maxBody int64
	auth    authenticator
	schema  *jsonschema.Schema
	handle  HandleFunc
	clock   component.Clock
	// wallClock is what signed timestamps are checked against (time.Now;
	// tests set it): senders sign with wall-clock time, and the engine
	// clock may run accelerated or be a test's manual clock.
	wallClock func() time.Time
	log       *slog.Logger
	metrics   *metrics
}

// New returns an endpoint for validated options (see Options.Validate). It
// compiles the body schema (relative to set.Dir) and registers the metrics
// pipewright_<connector>_webhook_requests_total and
// pipewright_<connector>_webhook_request_duration_seconds on set.Metrics.
func New(opts *Options, set component.Settings, connector string, handle HandleFunc) (*Endpoint, error) {
	e := &Endpoint{
		path:      opts.Path,
		maxBody:   int64(opts.BodyLimit()),
		auth:      newAuthenticator(&opts.Auth),
		handle:    handle,
		clock:     set.Clock,
		wallClock: time.Now,
		log:       set.Logger.With("path", opts.Path),
	}
	if opts.Schema != "" {
		s, err := compileSchema(opts.Schema, set.Dir)
		if err != nil {
			return nil, err
		}
		e.schema = s
	}
	m, err := newMetrics(set.Metrics, connector)
	if err != nil {
		return nil, fmt.Errorf("registering webhook metrics: %w", err)
	}
	e.metrics = m
	if opts.Auth.None {
		e.log.Warn("webhook accepts unauthenticated requests (auth: none); use this for development only")
	}
	return e, nil
}

// ServeHTTP verifies the request, calls the HandleFunc and answers.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := e.clock.Now()
	status := e.serve(w, r, start)
	e.metrics.observe(e.path, status, e.clock.Now().Sub(start))
}

func (e *Endpoint) serve(w http.ResponseWriter, r *http.Request, now time.Time) int {
	req, rej := e.verify(w, r, now)
	if rej != nil {
		return e.refuse(w, r, rej)
	}
	id, err := e.handle(r.Context(), req)
	switch {
	case err == nil:
		writeJSON(w, http.StatusAccepted, map[string]any{"status": "accepted", "id": id})
		return http.StatusAccepted
	case component.IsPermanent(err):
		return e.refuse(w, r, reject(http.StatusBadRequest, err.Error(), err.Error()))
	}
	e.log.Error("webhook request not accepted; the sender should retry", "error", err)
	rej = reject(http.StatusServiceUnavailable, "temporarily unavailable, retry later", "")
	rej.retryAfter = component.RetryDelay(err)
	rej.write(w)
	return rej.status
}

// verify runs every check in order: method, credentials, size, signature,
// JSON, schema. now (engine clock) becomes Request.ReceivedAt; signed
// timestamps are checked against the wall clock.
func (e *Endpoint) verify(w http.ResponseWriter, r *http.Request, now time.Time) (*Request, *rejection) {
	if r.Method != http.MethodPost {
		return nil, errMethod
	}
	if reason, ok := e.auth.check(r.Header, e.wallClock()); !ok {
		return nil, unauthorized(reason)
	}
	raw, rej := readBody(w, r, e.maxBody)
	if rej != nil {
		return nil, rej
	}
	if reason, ok := e.auth.verify(r.Header, raw); !ok {
		return nil, unauthorized(reason)
	}
	body, err := component.DecodeJSON(raw)
	if err != nil {
		return nil, reject(http.StatusBadRequest, "body is not JSON: "+err.Error(), "malformed JSON")
	}
	if e.schema != nil {
		if rej := checkSchema(e.schema, body); rej != nil {
			return nil, rej
		}
	}
	return &Request{Body: body, Raw: raw, Header: r.Header, ReceivedAt: now}, nil
}

func (e *Endpoint) refuse(w http.ResponseWriter, r *http.Request, rej *rejection) int {
	e.log.Info("webhook request refused", "status", rej.status, "reason", rej.reason, "remote", r.RemoteAddr)
	rej.write(w)
	return rej.status
}
