package sqsserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Listen is the TCP address to listen on; empty means 127.0.0.1:0 (a
	// free port).
	Listen string
	// Region goes into queue ARNs; empty means us-east-1.
	Region string
	// AccountID is the 12-digit account that owns every queue; empty
	// means 000000000000.
	AccountID string
	// Clock tells the time for visibility timeouts, delays and long
	// polls; nil means the wall clock.
	Clock component.Clock
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// Server is an in-process SQS server. Its methods are safe for concurrent
// use.
type Server struct {
	opts   Options
	clock  component.Clock
	log    *slog.Logger
	srv    *http.Server
	ln     net.Listener
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	queues   map[string]*queue // by name
	changed  chan struct{}     // closed and replaced when a queue changes
	seq      uint64            // message ids, receipt handles, sequence numbers
	holding  bool              // DeleteMessage calls wait (HoldDeletes)
	held     int               // DeleteMessage calls waiting
	released chan struct{}     // closed by ReleaseDeletes
}

// New returns a Server with opts, not yet listening.
func New(opts Options) *Server {
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	if opts.Clock == nil {
		opts.Clock = component.WallClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		opts: opts, clock: opts.Clock, log: opts.Logger, ctx: ctx, cancel: cancel,
		queues: map[string]*queue{}, changed: make(chan struct{}), released: make(chan struct{}),
	}
}

// Start listens on Options.Listen and serves until Close.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("sqs server: listening on %s: %w", s.opts.Listen, err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s, BaseContext: func(net.Listener) context.Context { return s.ctx }}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sqs server stopped", "error", err)
		}
	}()
	return nil
}

// URL is the endpoint clients use (http://host:port), the BaseEndpoint of
// an SDK client. Queue URLs are URL()/<account>/<name>. It is empty before
// Start.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops the server, ending long polls and held deletes. It is safe
// to call without Start and more than once.
func (s *Server) Close() error {
	s.cancel()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	<-s.done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ServeHTTP answers one JSON-protocol request: POST / with X-Amz-Target
// AmazonSQS.<Action>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	action, ok := strings.CutPrefix(target, "AmazonSQS.")
	if r.Method != http.MethodPost || !ok {
		writeError(w, errUnknownOperation(target))
		return
	}
	op := operations[action]
	if op == nil {
		writeError(w, errUnknownOperation(target))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes))
	if err != nil {
		writeError(w, errInvalidParameter("the request body could not be read"))
		return
	}
	out, apiErr := op(s, r.Context(), body)
	if apiErr != nil {
		s.log.Debug("sqs request failed", "action", action, "error", apiErr.Message)
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// maxRequestBytes bounds a request body: a 256 KiB message and its JSON.
const maxRequestBytes = 1 << 20

// notify wakes long polls after a queue changed. The caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextID returns a number unique within the server. The caller holds s.mu.
func (s *Server) nextID() uint64 {
	s.seq++
	return s.seq
}
