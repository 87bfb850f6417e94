package service

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// provisionTimeout bounds how long the engine waits at start for NATS to
// create its streams, consumers and buckets (a cluster forming or
// restarting answers "not yet" for a while).
const provisionTimeout = 2 * time.Minute

// limits are the project's stream and consumer limits, defaults filled in;
// the replicas are those resolved at start (see transport.ResolveReplicas).
func (e *Engine) limits() transport.Limits {
	t := e.project().Transport
	lim := transport.Limits{
		DuplicateWindow: t.DuplicateWindow.D(),
		AckWait:         t.AckWait.D(),
		SinkDedupWindow: t.SinkDedupWindow.D(),
		MaxAckPending:   t.MaxAckPending,
		MaxBytes:        t.MaxBytes,
		Replicas:        t.Replicas,
	}
	if e.conn != nil && e.conn.Replicas > 0 {
		lim.Replicas = e.conn.Replicas
	}
	return lim.WithDefaults()
}

func (e *Engine) startTransport(ctx context.Context) error {
	if e.transportURL() == "" {
		holder := LockHolder{PID: os.Getpid(), Role: "engine", HTTP: e.listenAddr(), Since: time.Now().UTC()}
		if e.adminOnly {
			holder.Role, holder.HTTP = "dlq", ""
		}
		lock, err := lockDataDir(e.dataDir, holder)
		if err != nil {
			return err
		}
		e.lock = lock
	}
	ctx, cancel := context.WithTimeout(ctx, provisionTimeout)
	defer cancel()
	conn, err := transport.Connect(ctx, transport.Config{
		URL:         e.transportURL(),
		Credentials: e.project().Transport.Credentials,
		StoreDir:    filepath.Join(e.dataDir, "nats"),
		Listen:      e.project().Transport.Listen,
		Name:        "pipewright/" + e.project().Name,
	})
	if err != nil {
		return err
	}
	e.conn = conn
	js, err := conn.JetStream() // a lost publish ack fails the publish, which is retried
	if err != nil {
		return err
	}
	e.js = js
	var pipelines []string
	for _, pl := range e.project().Pipelines {
		pipelines = append(pipelines, pl.Name)
	}
	prov, err := transport.Provision(ctx, conn.NC, js, e.names, pipelines, e.limits())
	if err != nil {
		return err
	}
	conn.Replicas = prov.Replicas
	e.log.Info("streams and buckets ready", "replicas", prov.Replicas)
	e.stateKV, e.seenKV, e.replays, e.shared = prov.State, prov.Seen, prov.Replays, transport.NewShared(prov.Shared)
	e.openListings()
	if err := e.startLeases(prov.Shared); err != nil {
		return err
	}
	e.dlq = dlq.NewStore(js, prov.DLQ, e.names.DLQRoot())
	if n, err := e.dlq.MoveLegacy(ctx, e.names.LegacyDLQStream()); err != nil {
		return err
	} else if n > 0 {
		e.log.Info("dead letters of an older version moved", "records", n)
	}
	if err := e.openActivity(ctx); err != nil {
		return err
	}
	e.admin = newAdmin(e)
	e.metrics.watchStreams(e)
	return nil
}
