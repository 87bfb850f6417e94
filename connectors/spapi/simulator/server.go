package simulator

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// Server is a running simulator. Its methods are safe for concurrent use.
type Server struct {
	cfg      Config
	clock    component.Clock
	ownClock bool // the clock is the simulator's own (Config.Clock was nil)
	started  time.Time
	secret   []byte // signs document URLs and pagination tokens
	mux      *http.ServeMux
	ops      []*models.Operation

	mu        sync.Mutex
	events    eventQueue
	seq       uint64
	wake      chan struct{}
	rng       *rand.Rand // the generator's
	manualRNG *rand.Rand // CreateOrder's
	faultRNG  *rand.Rand
	idRNG     *rand.Rand
	rngSrc    [4]*rand.PCG // the sources of the four, saved with the world
	orders    map[string]*Order
	orderList []*Order
	listings  map[string]*Listing
	// suppressed marks the listings the pricing check suppressed, by
	// marketplace/SKU (listing_health.go).
	suppressed      map[string]bool
	fbaStock        map[string]*fbaItem
	fulfillment     map[string]*FulfillmentOrder // Multi-Channel Fulfillment orders by sellerFulfillmentOrderId
	fulfillmentList []*FulfillmentOrder
	holds           map[string]*fulfillmentHold // held fulfillment orders by id (fulfillment_hold.go)
	documents       map[string]*document
	feeds           map[string]*Feed
	feedList        []*Feed
	reports         []*Report
	tokens          map[string]*accessToken
	buckets         map[string]*ratelimit.Bucket
	dests           []*destination
	subs            map[string]*subscription
	notes           []*Notification
	noteByID        map[string]*Notification
	outbox          []*Notification
	pushing         map[string]*Notification // taken from the outbox, being pushed
	pushFailing     bool                     // the last push failed
	kick            chan struct{}
	stats           Stats
	app             appSecrets // the client secrets LWA accepts (application.go)
	secretQueue     *secretQueue
	ids             uint64 // numeric ids (feeds, reports, settlements)
	requests        atomic.Uint64

	runMu    sync.Mutex
	httpSrv  *http.Server
	url      string
	cancel   context.CancelFunc
	done     sync.WaitGroup
	pushHTTP *http.Client
}

// Stats counts SP-API calls by operation name.
type Stats struct {
	// Calls counts every call, answered or not.
	Calls map[string]int
	// Throttled counts the calls answered 429 by the rate limit or a storm.
	Throttled map[string]int
}

// New returns a simulator for cfg. It serves through Handler at once;
// Start listens on cfg.Listen and runs the background work.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("simulator config: %w", err)
	}
	applyDefaults(&cfg)
	s := &Server{
		cfg: cfg, clock: cfg.Clock, mux: http.NewServeMux(),
		wake: make(chan struct{}, 1), kick: make(chan struct{}, 1),
		orders: map[string]*Order{}, listings: map[string]*Listing{}, fbaStock: map[string]*fbaItem{},
		fulfillment: map[string]*FulfillmentOrder{},
		pushing:     map[string]*Notification{},
		documents:   map[string]*document{}, feeds: map[string]*Feed{}, tokens: map[string]*accessToken{},
		buckets: map[string]*ratelimit.Bucket{}, subs: map[string]*subscription{}, noteByID: map[string]*Notification{},
		holds:    map[string]*fulfillmentHold{},
		stats:    Stats{Calls: map[string]int{}, Throttled: map[string]int{}},
		pushHTTP: &http.Client{Timeout: 10 * time.Second},
	}
	for i := range s.rngSrc {
		s.rngSrc[i] = rand.NewPCG(uint64(cfg.Seed), uint64(i+1))
	}
	s.rng, s.manualRNG, s.faultRNG, s.idRNG = rand.New(s.rngSrc[0]), rand.New(s.rngSrc[1]), rand.New(s.rngSrc[2]), rand.New(s.rngSrc[3])
	if s.clock == nil {
		s.clock = component.NewScaledClock(time.Now().UTC().Truncate(time.Millisecond), cfg.TimeScale)
		s.ownClock = true
	}
	s.started = s.clock.Now()
	s.initSecrets()
	q, err := newSecretQueue(cfg.SecretRotation, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("simulator config: %w", err)
	}
	s.secretQueue = q
	key := sha256.Sum256(fmt.Appendf(nil, "pipewright-sandbox-%d", cfg.Seed))
	s.secret = key[:]
	s.ids = 50_000_000_000 + uint64(s.idRNG.IntN(1_000_000))*1000
	s.seedCatalogue()
	s.routes()
	if cfg.StateFile != "" {
		loaded, err := s.loadWorld()
		if err != nil {
			return nil, fmt.Errorf("simulator world %s (remove it to start a new world): %w", cfg.StateFile, err)
		}
		if loaded {
			s.resumed(cfg)
			return s, nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	origin := s.started.Add(-cfg.History)
	if cfg.OrdersPerHour > 0 {
		s.generateFrom(origin)
	}
	if cfg.SettlementPeriod > 0 {
		s.scheduleSettlement(origin.Truncate(cfg.SettlementPeriod))
	}
	s.advance() // play the history
	return s, nil
}

// resumed lets a loaded world catch up with the clock: what fell due while
// the simulator was stopped happens now, as it would have on Amazon.
func (s *Server) resumed(cfg Config) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	for _, o := range s.orderList {
		if o.LastUpdated.After(last) {
			last = o.LastUpdated
		}
	}
	if now := s.clock.Now(); now.Before(last) {
		cfg.Logger.Warn("the clock is behind the saved world: its future waits until the clock catches up",
			"file", cfg.StateFile, "world", last, "clock", now)
	}
	cfg.Logger.Info("sp-api simulator world loaded", "file", cfg.StateFile, "orders", len(s.orderList), "pending_events", len(s.events))
	s.advance()
}

func applyDefaults(c *Config) {
	if c.TimeScale == 0 {
		c.TimeScale = 1
	}
	if c.SellerID == "" {
		c.SellerID = demo.SellerID
	}
	if c.Notify.Envelope == "" {
		c.Notify.Envelope = EnvelopeSQS
	}
	if c.Notify.Redelivery <= 0 {
		c.Notify.Redelivery = 30 * time.Second
	}
	if c.Notify.SignatureHeader == "" {
		c.Notify.SignatureHeader = webhook.DefaultSignatureHeader
	}
	if c.Notify.TimestampHeader == "" {
		c.Notify.TimestampHeader = webhook.DefaultTimestampHeader
	}
	if c.SaveEvery <= 0 {
		c.SaveEvery = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.SecretRotation.applyDefaults()
}

// generateFrom schedules the generator's first order after origin.
func (s *Server) generateFrom(origin time.Time) {
	s.schedule(&event{at: origin.Add(s.orderGap()), kind: evGenerate})
}

// Handler returns the simulator's HTTP handler: LWA's /auth/o2/token, the
// SP-API paths and the document upload and download URLs.
func (s *Server) Handler() http.Handler { return s.mux }

// Clock returns the simulator's clock, for an engine under test to share.
func (s *Server) Clock() component.Clock { return s.clock }

// Start listens on the configured address and starts the background work:
// the world follows the clock without waiting for requests, and
// notifications are pushed. It returns once listening. The background work
// stops when ctx ends; Close stops everything.
func (s *Server) Start(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.httpSrv != nil {
		return errors.New("simulator already started")
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("starting the simulator: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.url = "http://" + ln.Addr().String()
	s.cfg.Logger.Info("sp-api simulator listening", "url", s.url, "orders_per_hour", s.cfg.OrdersPerHour, "time_scale", s.cfg.TimeScale)
	s.httpSrv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	s.done.Add(4 + pushWorkers)
	go func() {
		defer s.done.Done()
		_ = s.httpSrv.Serve(ln) // ErrServerClosed on Close
	}()
	go func() {
		defer s.done.Done()
		s.runEvents(ctx)
	}()
	go func() {
		defer s.done.Done()
		if s.secretQueue != nil {
			s.secretQueue.run(ctx)
		}
	}()
	for range pushWorkers {
		go func() {
			defer s.done.Done()
			s.runNotifier(ctx)
		}()
	}
	go func() {
		defer s.done.Done()
		if s.cfg.StateFile != "" {
			s.saveEvery(ctx.Done())
		}
	}()
	s.kickPusher() // a loaded world may have notifications to push
	return nil
}

// URL returns the base URL Start listens on ("" before Start): the LWA
// endpoint is URL()+"/auth/o2/token" and SP-API paths hang off it too.
func (s *Server) URL() string {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.url
}

// Close stops the server and its background work. It is safe to call
// without Start and more than once.
func (s *Server) Close() error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.httpSrv == nil {
		return nil
	}
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.httpSrv.Shutdown(ctx)
	s.done.Wait()
	s.pushHTTP.CloseIdleConnections()
	s.httpSrv = nil
	if err != nil {
		return fmt.Errorf("stopping the simulator: %w", err)
	}
	return s.SaveWorld()
}

// runEvents keeps the world in step with the clock between requests.
func (s *Server) runEvents(ctx context.Context) {
	for {
		at, ok := s.nextEvent()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
			}
			continue
		}
		woke, err := component.SleepOrWake(ctx, s.clock, at.Sub(s.clock.Now()), s.wake)
		if err != nil {
			return
		}
		if !woke {
			s.Sync()
		}
	}
}

// nextID returns a fresh numeric id (feed, report and settlement ids are
// 11-digit numbers on Amazon).
func (s *Server) nextID() string {
	s.ids += 1 + uint64(s.idRNG.IntN(97))
	return fmt.Sprintf("%d", s.ids)
}

// newUUID returns a random UUID (version 4) from the id source.
func (s *Server) newUUID() string {
	a, b := s.idRNG.Uint64(), s.idRNG.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, (b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}
