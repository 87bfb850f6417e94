package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/service"
)

// Source is what the watcher looks at: an engine, or a test's fake.
type Source interface {
	// OpenGroups returns the open dead letters grouped by pipeline and
	// reason.
	OpenGroups(ctx context.Context) ([]*service.DeadLetterGroup, error)
	// ConnectionStates returns the connections.
	ConnectionStates() []service.ConnectionState
	// GuardEvents returns what data-quality guards held or flagged after
	// event seq, oldest first.
	GuardEvents(after uint64) []service.GuardEvent
	// ListingIssues returns the listings with a problem.
	ListingIssues(ctx context.Context) ([]service.ListingIssue, error)
}

// Watcher checks the conditions and notifies. Check is not safe for
// concurrent use; the Addon calls it from one goroutine.
type Watcher struct {
	cfg       config.Alerts
	src       Source
	notifiers []Notifier
	clock     component.Clock
	log       *slog.Logger
	console   string
	subjects  map[string]*subject
	// guardSeen is the last guard event read; guardPending what guards
	// found per pipeline that no alert told yet.
	guardSeen    uint64
	guardPending map[string]*guardBacklog
	// listingsTold is the severity told per open listing problem
	// (SKU@marketplace).
	listingsTold map[string]string
}

// subject is one pipeline's or connection's alert state.
type subject struct {
	// notified: an alert of the current episode was told, so its recovery
	// will be too.
	notified  bool
	lastAlert time.Time
	// since is when a connection was first seen not up.
	since time.Time
}

// NewWatcher returns a watcher of src that tells notifiers. consoleURL
// (may be "") is linked from alerts.
func NewWatcher(cfg config.Alerts, src Source, ns []Notifier, clock component.Clock, log *slog.Logger, consoleURL string) *Watcher {
	w := &Watcher{src: src, clock: clock, log: log, subjects: map[string]*subject{}, guardPending: map[string]*guardBacklog{}, listingsTold: map[string]string{}}
	w.Configure(cfg, ns, consoleURL)
	return w
}

// Configure changes the settings and notifiers (a reloaded directory);
// what was told so far stays known, so nothing is told twice.
func (w *Watcher) Configure(cfg config.Alerts, ns []Notifier, consoleURL string) {
	if cfg.MinInterval == 0 {
		cfg.MinInterval = component.Duration(config.DefaultAlertMinInterval)
	}
	if cfg.Connections.DegradedFor == 0 {
		cfg.Connections.DegradedFor = component.Duration(config.DefaultDegradedFor)
	}
	w.cfg, w.notifiers, w.console = cfg, ns, strings.TrimSuffix(consoleURL, "/")
}

func (w *Watcher) subject(key string) *subject {
	if w.subjects[key] == nil {
		w.subjects[key] = &subject{}
	}
	return w.subjects[key]
}

// Check looks at every condition once and sends what is due.
func (w *Watcher) Check(ctx context.Context) {
	now := w.clock.Now()
	if groups, err := w.src.OpenGroups(ctx); err != nil {
		w.log.Warn("alerts: cannot read the dead letters", "error", err)
	} else {
		w.checkDeadLetters(ctx, now, groups)
	}
	w.checkConnections(ctx, now, w.src.ConnectionStates())
	w.checkGuards(ctx, now)
	w.checkListings(ctx, now)
}

func (w *Watcher) threshold(pipeline string) int {
	if t, ok := w.cfg.DeadLetters.Pipelines[pipeline]; ok {
		return t
	}
	return w.cfg.DeadLetters.Threshold
}

func (w *Watcher) checkDeadLetters(ctx context.Context, now time.Time, groups []*service.DeadLetterGroup) {
	byPipeline := map[string][]*service.DeadLetterGroup{}
	for _, g := range groups {
		byPipeline[g.Pipeline] = append(byPipeline[g.Pipeline], g)
	}
	names := map[string]bool{}
	for name := range byPipeline {
		names[name] = true
	}
	for key := range w.subjects {
		if name, ok := strings.CutPrefix(key, "flow/"); ok {
			names[name] = true
		}
	}
	for _, name := range sortedKeys(names) {
		open := 0
		for _, g := range byPipeline[name] {
			open += g.Count
		}
		limit := w.threshold(name)
		firing := limit > 0 && open >= limit
		w.decide(ctx, now, "flow/"+name, firing, func() Alert {
			return w.flowAlert(name, open, limit, byPipeline[name])
		}, func() Alert {
			return Alert{Subject: fmt.Sprintf("[pipewright] recovered: flow %s has %d open dead letters", name, open),
				Text: fmt.Sprintf("Flow %s is below its alert threshold of %d open dead letters again (now %d).%s", name, limit, open, w.link("flows/"+name))}
		})
	}
}

func (w *Watcher) flowAlert(name string, open, limit int, groups []*service.DeadLetterGroup) Alert {
	var b strings.Builder
	fmt.Fprintf(&b, "Flow %s has %d open dead letters (alert threshold %d).\n", name, open, limit)
	sort.Slice(groups, func(i, j int) bool { return groups[i].Count > groups[j].Count })
	for i, g := range groups {
		if i == 3 {
			fmt.Fprintf(&b, "… and %d more reasons\n", len(groups)-3)
			break
		}
		fmt.Fprintf(&b, "%d × %s\n", g.Count, g.Reason)
	}
	b.WriteString(w.link("flows/" + name))
	return Alert{Subject: fmt.Sprintf("[pipewright] flow %s: %d open dead letters", name, open), Text: strings.TrimSpace(b.String())}
}

func (w *Watcher) checkConnections(ctx context.Context, now time.Time, conns []service.ConnectionState) {
	after := w.cfg.Connections.DegradedFor.D()
	for _, c := range conns {
		s := w.subject("connection/" + c.Name)
		up := c.State == service.ConnectionUp || c.State == service.ConnectionFailing
		switch {
		case up:
			s.since = time.Time{}
		case s.since.IsZero() && c.Since != nil:
			s.since = *c.Since
		case s.since.IsZero():
			s.since = now
		}
		firing := !up && now.Sub(s.since) >= after
		since := s.since
		w.decide(ctx, now, "connection/"+c.Name, firing, func() Alert {
			text := fmt.Sprintf("Connection %s (%s) has been %s for %s.", c.Name, c.Type, c.State, now.Sub(since).Round(time.Second))
			if c.LastError != "" {
				text += "\nLast error: " + dlq.Reason(c.LastError)
			}
			return Alert{Subject: fmt.Sprintf("[pipewright] connection %s is %s", c.Name, c.State), Text: text + w.link("")}
		}, func() Alert {
			return Alert{Subject: fmt.Sprintf("[pipewright] recovered: connection %s is up", c.Name),
				Text: fmt.Sprintf("Connection %s (%s) works again.%s", c.Name, c.Type, w.link(""))}
		})
	}
}

// decide sends an alert when a condition holds and none was told for this
// episode (rate-limited), and a recovery when it no longer holds.
func (w *Watcher) decide(ctx context.Context, now time.Time, key string, firing bool, alert, recovery func() Alert) {
	s := w.subject(key)
	switch {
	case firing && !s.notified:
		if !s.lastAlert.IsZero() && now.Sub(s.lastAlert) < w.cfg.MinInterval.D() {
			return // held until the interval ends
		}
		if w.send(ctx, alert()) {
			s.notified, s.lastAlert = true, now
		}
	case !firing && s.notified:
		if w.send(ctx, recovery()) {
			s.notified = false
		}
	}
}

// send tells every notifier; it reports whether any took the alert.
func (w *Watcher) send(ctx context.Context, a Alert) bool {
	ok := false
	for _, n := range w.notifiers {
		nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := n.Notify(nctx, a)
		cancel()
		if err != nil {
			w.log.Warn("alerts: cannot notify", "to", n.Name(), "subject", a.Subject, "error", err)
			continue
		}
		ok = true
	}
	if ok {
		w.log.Info("alert sent", "subject", a.Subject)
	}
	return ok
}

func (w *Watcher) link(path string) string {
	if w.console == "" {
		return ""
	}
	return "\n" + w.console + "/" + path
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
