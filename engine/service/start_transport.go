package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// limits are the project's stream and consumer limits, defaults filled in.
func (e *Engine) limits() transport.Limits {
	t := e.project().Transport
	return transport.Limits{
		DuplicateWindow: t.DuplicateWindow.D(),
		AckWait:         t.AckWait.D(),
		MaxAckPending:   t.MaxAckPending,
		MaxBytes:        t.MaxBytes,
		Replicas:        t.Replicas,
	}.WithDefaults()
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
	conn, err := transport.Connect(transport.Config{
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
	js, err := jetstream.New(conn.NC)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	e.js = js
	lim := e.limits()
	for _, pl := range e.project().Pipelines {
		if err := transport.EnsurePipeline(ctx, js, e.names, pl.Name, lim); err != nil {
			return err
		}
	}
	st, err := transport.EnsureDLQ(ctx, js, e.names, lim)
	if err != nil {
		return err
	}
	e.dlq = dlq.NewStore(js, st, e.names.DLQRoot())
	if n, err := e.dlq.MoveLegacy(ctx, e.names.LegacyDLQStream()); err != nil {
		return err
	} else if n > 0 {
		e.log.Info("dead letters of an older version moved", "records", n)
	}
	if e.stateKV, e.replays, err = transport.EnsureBuckets(ctx, js, e.names, lim); err != nil {
		return err
	}
	if err := e.openActivity(ctx); err != nil {
		return err
	}
	e.admin = newAdmin(e)
	e.metrics.watchStreams(e)
	return nil
}
