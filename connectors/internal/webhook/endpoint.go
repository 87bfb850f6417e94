package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
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
// to a HandleFunc. Register it at Options.Path with SourceSettings.HTTP and
// call Close on shutdown.
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

	mu       sync.Mutex
	inflight int
	idle     chan struct{} // made by Close, closed when nothing is in flight
}

// New returns an endpoint for validated options (see Options.Validate). It
// compiles the body schema (relative to set.Dir) and registers the metrics
// pipewright_<connector>_webhook_requests_total and
// pipewright_<connector>_webhook_request_duration_seconds on set.Metrics.
func New(opts *Options, set component.Settings, connector string, handle HandleFunc) (*Endpoint, error) {
	e := &Endpoint{
		path:      opts.Path,
		maxBody:   int64(opts.MaxBody),
		auth:      newAuthenticator(&opts.Auth),
		handle:    handle,
		clock:     set.Clock,
		wallClock: time.Now,
		log:       set.Logger.With("path", opts.Path),
	}
	if e.maxBody == 0 {
		e.maxBody = int64(DefaultMaxBody)
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
	if !e.enter() {
		return e.refuse(w, r, errShuttingDown)
	}
	defer e.leave()
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

// enter counts a request in flight unless the endpoint is closed.
func (e *Endpoint) enter() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.idle != nil {
		return false
	}
	e.inflight++
	return true
}

func (e *Endpoint) leave() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.inflight--
	if e.idle != nil && e.inflight == 0 {
		close(e.idle)
	}
}

// Close makes the endpoint answer 503 to new requests and waits until the
// requests in flight were answered, or ctx ends. It may be called again.
func (e *Endpoint) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.idle == nil {
		e.idle = make(chan struct{})
		if e.inflight == 0 {
			close(e.idle)
		}
	}
	idle := e.idle
	e.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
	}
	select {
	case <-idle:
		return nil
	default:
		return fmt.Errorf("waiting for webhook requests in flight: %w", ctx.Err())
	}
}
