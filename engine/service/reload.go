package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// Reload reads the directory again and, when it is valid and differs from
// the running version, swaps it in between messages: messages in flight
// finish with the running version, the next ones use the new one. Only
// what changed is restarted: connections whose options changed, and the
// sources and sinks whose options, connection or (when they hold
// expressions) tables changed; steps, tables and mappings apply to the next
// message. An invalid directory, or a change only a restart can apply
// (project, data_dir, transport, server.listen, server.public_url), is
// refused and the running version stays. Reloads run one at a time.
func (e *Engine) Reload(ctx context.Context, trigger string) ReloadResult {
	r := e.reloads
	r.run.Lock()
	defer r.run.Unlock()
	res := e.reload(ctx, trigger)
	res.At = time.Now().UTC()
	r.mu.Lock()
	r.last = &res
	if res.Status == ReloadRefused {
		r.refused = &res
	}
	r.mu.Unlock()
	e.metrics.reloads.WithLabelValues(res.Status).Inc()
	switch res.Status {
	case ReloadRefused:
		texts := make([]string, 0, len(res.Problems))
		for _, p := range res.Problems {
			texts = append(texts, p.Text)
		}
		e.log.Error("reload refused: the running version stays", "trigger", trigger, "version", res.Version,
			"attempted", res.Attempted, "problems", texts, "error", res.Error)
	case ReloadApplied:
		e.log.Info("configuration reloaded", "trigger", trigger, "version", res.Version, "previous", res.Previous,
			"restarted", res.Restarted)
	default:
		e.log.Info("reload: the directory is unchanged", "trigger", trigger, "version", res.Version)
	}
	return res
}

func (e *Engine) reload(ctx context.Context, trigger string) ReloadResult {
	g := e.gen()
	res := ReloadResult{Trigger: trigger, Status: ReloadRefused}
	switch {
	case e.reloads.closed:
		res.Error = "the engine is stopping"
		return res
	case g == nil:
		res.Error = "the engine is not running"
		return res
	}
	res.Version, res.Previous = g.version, g.version
	if e.opts.Load == nil {
		res.Error = "this engine cannot reload (no loader); restart it to apply changes"
		return res
	}
	p, version, watched, err := e.loadStable(g.project)
	res.Attempted = version
	if err != nil {
		res.Problems, res.Error = problemsOf(err)
		return res
	}
	if _, _, broken := e.reloads.state(); version != "" && version == g.version && broken == "" {
		res.Status = ReloadUnchanged
		return res
	}
	if ps := restartOnly(g.project, p); len(ps) > 0 {
		res.Problems = ps
		return res
	}
	if err := e.apply(ctx, g, p, version, watched, &res); err != nil {
		res.Error = e.secrets.redact(err.Error())
		return res
	}
	res.Status, res.Version = ReloadApplied, version
	return res
}

// loadStable loads the directory again when one of the running version's
// files changed while it was read (an editor or a deployment writing
// several files), and returns the version and watch state of what it
// loaded.
func (e *Engine) loadStable(old *config.Project) (p *config.Project, version, watched string, err error) {
	for range 3 {
		before, serr := watchState(old)
		if serr != nil {
			return nil, "", "", serr
		}
		p, err = e.opts.Load(old.Dir)
		if after, _ := watchState(old); after != before {
			continue
		}
		if err != nil {
			return nil, "", "", err
		}
		if version, err = Version(p); err != nil {
			return nil, "", "", err
		}
		watched, err = watchState(p)
		return p, version, watched, err
	}
	return nil, "", "", errors.New("the directory kept changing while it was read; try again once it is written")
}

// apply swaps p in for g: it provisions the streams of new pipelines,
// waits until g has no message in flight, stops and starts what changed,
// swaps, starts the new sources and updates the router's handlers. When a
// component cannot be started, the running version is restored.
func (e *Engine) apply(ctx context.Context, g *generation, p *config.Project, version, watched string, res *ReloadResult) error {
	pctx, cancel := context.WithTimeout(ctx, provisionTimeout)
	defer cancel()
	for _, pl := range p.Pipelines {
		if _, ok := g.project.Pipeline(pl.Name); !ok {
			if err := transport.EnsurePipeline(pctx, e.js, e.names, pl.Name, e.limits()); err != nil {
				return err
			}
		}
	}
	p.Globals.Clock = e.clock
	e.secrets.add(p.Secrets)
	before := g.running()
	g.mu.Lock() // waits for the messages in flight; new ones wait here
	have := g.running()
	next, err := e.assemble(ctx, have, p, version)
	if err == nil {
		next.watched = watched
	} else {
		next = e.restore(ctx, have, g)
	}
	if next != g {
		e.cur.Store(next)
		g.retired = true
	}
	g.mu.Unlock()
	if serr := e.startSources(ctx, e.gen()); serr != nil {
		err = errors.Join(err, serr)
	}
	if herr := e.syncHandlers(e.gen()); herr != nil {
		err = errors.Join(err, herr)
	}
	if err != nil {
		return err
	}
	e.reloads.setBroken("")
	e.admin.follow(p)
	res.Restarted = restarted(before, next.running())
	if len(res.Restarted) > 0 {
		e.checkNotificationDestinations(next)
	}
	return nil
}

// restore rebuilds the running version after a failed apply. When even
// that fails, the engine keeps g and reports itself broken (not ready)
// until a reload succeeds.
func (e *Engine) restore(ctx context.Context, have *running, g *generation) *generation {
	back, err := e.assemble(ctx, have, g.project, g.version)
	if err == nil {
		back.watched = g.watched
	}
	if err != nil {
		e.reloads.setBroken(fmt.Sprintf("a failed reload could not restore the running version: %s", e.secrets.redact(err.Error())))
		e.log.Error("reload failed and the running version could not be restored; fix the directory and reload", "error", e.secrets.redact(err.Error()))
		return g
	}
	e.reloads.setBroken("")
	return back
}
