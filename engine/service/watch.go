package service

import (
	"context"
	"time"
)

// watch polls the directory every opts.WatchEvery (see watchState) and
// reloads once a change has settled: a state is tried when two polls in a
// row see it (an editor or a deployment writing several files is done),
// and once only, whatever the outcome; a refused change is tried again
// when the files change again.
func (e *Engine) watch() {
	every := e.opts.WatchEvery
	if every <= 0 || e.opts.Load == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.stopWatch = cancel
	go func() {
		tried, pending := "", ""
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			g := e.gen()
			s, err := watchState(g.project)
			switch {
			case err != nil:
				e.log.Debug("watch: cannot read the directory", "error", err)
			case s == g.watched || s == tried:
				pending = ""
			case s != pending:
				pending = s // changed: wait for it to settle
			default:
				tried, pending = s, ""
				e.Reload(ctx, "watch")
			}
		}
	}()
}
