package alerts

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

// Addon runs a Watcher of an engine every alerts.check_every; it is a
// service.Addon and does nothing when the project configures no notifier.
type Addon struct {
	cancel context.CancelFunc
	done   sync.WaitGroup
}

var _ service.Addon = (*Addon)(nil)

// New returns the alerts addon.
func New() *Addon { return &Addon{} }

// engineSource reads an engine's dead letters and connections.
type engineSource struct{ e *service.Engine }

func (s engineSource) OpenGroups(ctx context.Context) ([]*service.DeadLetterGroup, error) {
	return s.e.Admin().Groups(ctx, service.DeadLetterFilter{Status: service.StatusOpen}, 0)
}

func (s engineSource) ConnectionStates() []service.ConnectionState { return s.e.ConnectionStates() }

func (s engineSource) GuardEvents(after uint64) []service.GuardEvent { return s.e.GuardEvents(after) }

func (s engineSource) ListingIssues(ctx context.Context) ([]service.ListingIssue, error) {
	return s.e.ListingIssues(ctx)
}

// Start begins watching.
func (a *Addon) Start(_ context.Context, e *service.Engine) error {
	p := e.Project()
	cfg := p.Alerts
	if !cfg.Configured() {
		return nil
	}
	every := cfg.CheckEvery.D()
	if every <= 0 {
		every = config.DefaultAlertCheckEvery
	}
	w := NewWatcher(cfg, engineSource{e}, notifiers(cfg), e.Clock(), e.Logger(), consoleURL(cfg, e))
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.done.Add(1)
	go func() {
		defer a.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if now := e.Project(); now != p {
					p = now
					w.Configure(p.Alerts, notifiers(p.Alerts), consoleURL(p.Alerts, e))
				}
				w.Check(ctx)
			}
		}
	}()
	return nil
}

// Stop ends watching.
func (a *Addon) Stop(context.Context) error {
	if a.cancel != nil {
		a.cancel()
		a.done.Wait()
	}
	return nil
}

// consoleURL is where alerts link to: alerts.console_url, else the
// console below the engine's public URL (server.public_url, or derived
// from the listen address).
func consoleURL(cfg config.Alerts, e *service.Engine) string {
	if cfg.ConsoleURL != "" {
		return cfg.ConsoleURL
	}
	return strings.TrimSuffix(e.PublicURL(), "/") + "/console"
}
