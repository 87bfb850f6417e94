package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

// dlqBackend is the engine's API or a stopped engine's data directory.
type dlqBackend interface {
	list(ctx context.Context, q url.Values, full, mask bool) ([]*service.DeadLetter, error)
	groups(ctx context.Context, q url.Values, mask bool) ([]*service.DeadLetterGroup, error)
	get(ctx context.Context, seq uint64, mask bool) (*service.DeadLetter, error)
	drop(ctx context.Context, seq uint64) error
	resolve(ctx context.Context, seq uint64, note string) (*service.DeadLetter, error)
	// approve and reject decide on a message a guard held for review.
	approve(ctx context.Context, seq uint64, by, note string, wait time.Duration) (*service.ReplayOutcome, error)
	reject(ctx context.Context, seq uint64, by, note string) (*service.DeadLetter, error)
	replay(ctx context.Context, seq uint64, req service.ReplayRequest, wait time.Duration, mask bool) (*service.ReplayOutcome, error)
	// bulk runs a bulk action to its end, telling progress of each change.
	bulk(ctx context.Context, action string, body service.BulkBody, progress func(service.Job)) (service.Job, error)
	close()
}

// openDLQBackend prefers a running engine: at its configured address, or
// at the address the engine holding the data directory recorded. Without
// one it opens the data directory, never while an engine holds it.
func openDLQBackend(ctx context.Context, e *env, p *config.Project, o *dlqOpts) (dlqBackend, error) {
	addr := cmp.Or(o.server, p.Server.Listen, "127.0.0.1:8080")
	if api := newAPIBackend(addr, p.Server.AdminToken, o.wait); api.alive() {
		fmt.Fprintf(e.stderr, "pipewright dlq: talking to the engine at %s\n", api.base)
		return api, nil
	}
	dataDir, err := filepath.Abs(cmp.Or(o.data, p.DataDir, "data"))
	if err != nil {
		return nil, err
	}
	if p.Transport.URL == "" {
		if h := service.DataDirHolder(dataDir); h != nil {
			if h.Role == "engine" && h.HTTP != "" {
				if api := newAPIBackend(h.HTTP, p.Server.AdminToken, o.wait); api.alive() {
					fmt.Fprintf(e.stderr, "pipewright dlq: talking to the engine at %s (recorded in %s)\n", api.base, service.DataLockFile)
					return api, nil
				}
			}
			busy := &service.DataDirBusyError{Dir: dataDir, Holder: *h}
			return nil, fmt.Errorf("%v, but no engine API answers at %s: refusing to open its data directory; pass -server ADDR (or set the address server.listen reads)", busy, addr)
		}
	}
	a, err := service.OpenAdmin(ctx, p, o.data, "")
	var busy *service.DataDirBusyError
	if errors.As(err, &busy) {
		return nil, fmt.Errorf("%v: refusing to open it", busy)
	}
	if err != nil {
		return nil, fmt.Errorf("no engine answers at %s and the data directory cannot be opened: %w", addr, err)
	}
	fmt.Fprintf(e.stderr, "pipewright dlq: no engine answers at %s; using the stopped engine's data in %s (replays run when it starts)\n", addr, a.DataDir())
	return adminBackend{a}, nil
}

// adminBackend works on a stopped engine's data directory.
type adminBackend struct{ a *service.Admin }

func (b adminBackend) list(ctx context.Context, q url.Values, full, mask bool) ([]*service.DeadLetter, error) {
	f, err := service.FilterFromQuery(q)
	if err != nil {
		return nil, err
	}
	recs, err := b.a.List(ctx, f)
	for i, r := range recs {
		recs[i] = b.a.Present(r, full, mask)
	}
	return recs, err
}

func (b adminBackend) groups(ctx context.Context, q url.Values, mask bool) ([]*service.DeadLetterGroup, error) {
	f, err := service.FilterFromQuery(q)
	if err != nil {
		return nil, err
	}
	groups, err := b.a.Groups(ctx, f, 5)
	for _, g := range groups {
		for i, ex := range g.Examples {
			g.Examples[i] = b.a.Present(ex, false, mask)
		}
	}
	return groups, err
}

func (b adminBackend) get(ctx context.Context, seq uint64, mask bool) (*service.DeadLetter, error) {
	r, err := b.a.Get(ctx, seq)
	if err != nil {
		return nil, err
	}
	return b.a.Present(r, true, mask), nil
}

func (b adminBackend) drop(ctx context.Context, seq uint64) error { return b.a.Drop(ctx, seq) }

func (b adminBackend) resolve(ctx context.Context, seq uint64, note string) (*service.DeadLetter, error) {
	return b.a.Resolve(ctx, seq, note)
}

func (b adminBackend) approve(ctx context.Context, seq uint64, by, note string, wait time.Duration) (*service.ReplayOutcome, error) {
	return b.a.Approve(ctx, seq, by, note, wait)
}

func (b adminBackend) reject(ctx context.Context, seq uint64, by, note string) (*service.DeadLetter, error) {
	return b.a.Reject(ctx, seq, by, note)
}

func (b adminBackend) replay(ctx context.Context, seq uint64, req service.ReplayRequest, wait time.Duration, mask bool) (*service.ReplayOutcome, error) {
	o, err := b.a.ReplayAndWait(ctx, seq, req, wait)
	if err == nil && o.DeadLetter != nil {
		o.DeadLetter = b.a.Present(o.DeadLetter, false, mask)
	}
	return o, err
}

func (b adminBackend) bulk(ctx context.Context, action string, body service.BulkBody, progress func(service.Job)) (service.Job, error) {
	req, err := body.Request(action)
	if err != nil {
		return service.Job{}, err
	}
	return b.a.RunBulk(ctx, req, progress)
}

func (b adminBackend) close() { b.a.Close() }

func newAPIBackend(addr, token string, wait time.Duration) *apiBackend {
	return &apiBackend{base: "http://" + addr, token: token, client: &http.Client{Timeout: wait + 10*time.Second}}
}

func boolParam(q url.Values, key string, v bool) url.Values {
	if v {
		q.Set(key, strconv.FormatBool(v))
	}
	return q
}
