package transport

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Project is what Provision created or found for a project.
type Project struct {
	// Replicas is the replica count of every stream and bucket.
	Replicas int
	// DLQ is the dead-letter stream.
	DLQ jetstream.Stream
	Buckets
}

// Provision makes a project's JetStream objects ready, as every engine
// does at start: it waits until JetStream answers, resolves the replica
// count (see ResolveReplicas; lim.Replicas is the configured one, 0 when
// unset), then creates or updates the streams and consumers of the
// pipelines, the dead-letter stream and the buckets. Engines started
// together run it at the same moment, and a cluster may still be forming
// or restarting: every step retries what can go away by itself until ctx
// ends.
func Provision(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, n Names, pipelines []string, lim Limits) (Project, error) {
	err := retry(ctx, "waiting for JetStream", func(ctx context.Context) error {
		_, err := js.AccountInfo(ctx)
		return err
	})
	if err != nil {
		return Project{}, err
	}
	var p Project
	if p.Replicas, err = ResolveReplicas(ctx, nc, js, n, lim.Replicas); err != nil {
		return Project{}, err
	}
	lim.Replicas = p.Replicas
	for _, pl := range pipelines {
		if err := EnsurePipeline(ctx, js, n, pl, lim); err != nil {
			return Project{}, fmt.Errorf("pipeline %s: %w", pl, err)
		}
	}
	if p.DLQ, err = EnsureDLQ(ctx, js, n, lim); err != nil {
		return Project{}, err
	}
	if p.Buckets, err = EnsureBuckets(ctx, js, n, lim); err != nil {
		return Project{}, err
	}
	return p, nil
}
