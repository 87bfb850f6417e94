package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/internal/transport"
)

// SourceOwner is who polls one loop of a pipeline's source. Every engine
// of the project polls a loop only while it holds the loop's lease.
type SourceOwner struct {
	Pipeline string `json:"pipeline"`
	// Loop names the loop ("" for a source's only loop).
	Loop string `json:"loop,omitempty"`
	// Pushed: the source only takes pushed requests (webhooks), which
	// every engine accepts; it has no owner.
	Pushed bool `json:"pushed,omitempty"`
	// Holder is the engine instance holding the lease ("" while none does,
	// such as a moment after its holder stopped).
	Holder string `json:"holder,omitempty"`
	// ThisInstance says the holder is the engine answering.
	ThisInstance bool `json:"this_instance"`
	// Since and Renewed are the holder's clock when it took the lease
	// and last renewed it.
	Since   *time.Time `json:"since,omitempty"`
	Renewed *time.Time `json:"renewed,omitempty"`
	// Expired: the holder has not renewed the lease for longer than its
	// lease time (by this engine's clock): another engine takes it over.
	Expired bool `json:"expired,omitempty"`
}

// Owners is who polls what, as GET /api/owners shows it.
type Owners struct {
	// Instance is the engine answering; Lease its lease time.
	Instance string        `json:"instance"`
	Lease    string        `json:"lease"`
	Sources  []SourceOwner `json:"sources"`
}

// Instance is the engine's instance id (host, process id and a random
// part): the holder name in its source leases, in logs and the console.
func (e *Engine) Instance() string { return e.instance }

// SourceOwners returns, for every pipeline in directory order, who polls
// each loop of its source, read from the lease keys that every engine of
// the project shares.
func (e *Engine) SourceOwners(ctx context.Context) (Owners, error) {
	g := e.gen()
	if g == nil || e.leases == nil {
		return Owners{}, errors.New("the engine is not running")
	}
	leases, err := transport.ListLeases(ctx, e.sharedKV)
	if err != nil {
		return Owners{}, err
	}
	byID := make(map[string]transport.LeaseEntry, len(leases))
	for _, l := range leases {
		byID[l.ID] = l
	}
	out := Owners{Instance: e.instance, Lease: e.leases.TTL().String()}
	for _, p := range g.order {
		loops := p.source.src.Loops()
		if len(loops) == 0 {
			out.Sources = append(out.Sources, SourceOwner{Pipeline: p.pl.Name, Pushed: true})
			continue
		}
		for _, id := range loops {
			_, loop := loopLabels(id)
			so := SourceOwner{Pipeline: p.pl.Name, Loop: loop}
			if l, ok := byID[id]; ok {
				so.Holder, so.ThisInstance = l.Holder, l.Holder == e.instance
				since, renewed := l.Since, l.Renewed
				so.Since, so.Renewed = &since, &renewed
				ttl, err := time.ParseDuration(l.TTL)
				so.Expired = err == nil && time.Since(renewed) > ttl
			}
			out.Sources = append(out.Sources, so)
		}
	}
	return out, nil
}

// loopLabels splits a loop id ("orders/source", "orders/source/search")
// into its pipeline and loop name.
func loopLabels(id string) (pipeline, loop string) {
	pipeline, rest, _ := strings.Cut(id, "/")
	return pipeline, strings.TrimPrefix(strings.TrimPrefix(rest, "source"), "/")
}

// startLeases makes the engine's source leases on the shared bucket, with
// their metrics: pipewright_source_owned{pipeline,loop} (1 while this
// engine polls the loop) and pipewright_engine_instance_info{instance}.
func (e *Engine) startLeases(shared jetstream.KeyValue) error {
	owned := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pipewright_source_owned",
		Help: "1 while this engine holds the lease of a source loop and polls it, 0 while another engine does."}, []string{"pipeline", "loop"})
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pipewright_engine_instance_info",
		Help: "Always 1: the instance id this engine writes into the source leases it holds."}, []string{"instance"})
	info.WithLabelValues(e.instance).Set(1)
	// On the embedded server with no port open, only this engine (which
	// holds the data directory) can reach the bucket.
	sole := e.transportURL() == "" && e.project().Transport.Listen == ""
	ls, err := transport.NewLeases(shared, transport.LeaseOptions{Holder: e.instance, TTL: e.project().Transport.SourceLease.D(), Sole: sole, Logger: e.log,
		OnChange: func(id string, held bool) {
			v := 0.0
			if held {
				v = 1
			}
			owned.WithLabelValues(loopLabels(id)).Set(v)
		}})
	if err != nil {
		return err
	}
	e.registry.MustRegister(owned, info)
	e.leases, e.sharedKV = ls, shared
	return nil
}

// registerOwnersAPI serves GET /api/owners: who polls each source (admin
// token or a loopback client, like the rest of the API).
func (s *httpServer) registerOwnersAPI() {
	s.mux.Handle("GET /api/owners", s.admin(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		o, err := s.e.SourceOwners(ctx)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, o)
	}))
}

// newInstanceID names this engine process: host, process id and a random
// part (a restarted process on the same host and pid is another instance).
func newInstanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "host"
	}
	host, _, _ = strings.Cut(host, ".")
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), randomHex(4))
}
