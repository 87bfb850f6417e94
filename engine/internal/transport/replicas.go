package transport

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// MaxDefaultReplicas caps the replica count the engine picks by itself: three
// copies survive the loss of one node, and more cost writes without adding
// much.
const MaxDefaultReplicas = 3

// ReplicasSetting names the project setting in errors.
const ReplicasSetting = "transport.replicas"

// ErrReplicas is wrapped by the error of a replica count the cluster cannot
// hold.
var ErrReplicas = errors.New("too many replicas")

// ResolveReplicas returns the replica count of the project's streams and
// buckets. configured is transport.replicas (0: unset).
//
// A server that is not part of a cluster (the embedded server, or an
// external one whose INFO names no cluster) holds one replica: unset means
// 1, and more is an error. On a cluster, an unset count keeps the replicas
// of the project's existing state bucket, so engines agree with the one
// that created it and a node being down does not change the count; a fresh
// project gets the cluster's size up to MaxDefaultReplicas, learnt by asking
// JetStream to place a small probe stream with 3, then 2 replicas. A
// configured count is checked the same way unless the bucket already has
// it. Transient errors (the cluster forming, peers offline) are retried
// until ctx ends.
//
// Why a probe: a client outside the system account has no API that tells
// the size of the JetStream meta group (only $SYS.REQ.SERVER.PING.JSZ
// does), and the INFO connect_urls that nats.go merges into Servers() count
// advertised addresses, not JetStream peers: a server on 0.0.0.0 advertises
// one per interface, and no_advertise hides them all. Placement is exactly
// the question that matters: can JetStream put N copies on N servers.
func ResolveReplicas(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, n Names, configured int) (int, error) {
	var cluster string
	err := retry(ctx, "connecting to NATS", func(context.Context) error {
		if !nc.IsConnected() {
			return nats.ErrConnectionReconnecting
		}
		cluster = nc.ConnectedClusterName()
		return nil
	})
	if err != nil {
		return 0, err
	}
	if cluster == "" {
		if configured > 1 {
			return 0, fmt.Errorf("%s is %d, but NATS server %q is not part of a cluster, so it holds 1 replica: %w",
				ReplicasSetting, configured, nc.ConnectedServerName(), ErrReplicas)
		}
		return 1, nil
	}
	existing, err := existingReplicas(ctx, js, n)
	if err != nil {
		return 0, err
	}
	switch {
	case configured == 0 && existing > 0:
		return existing, nil
	case configured == 1 || configured > 0 && configured == existing:
		return configured, nil
	case configured > 0:
		return configured, checkPlacement(ctx, js, n, cluster, configured)
	}
	for r := MaxDefaultReplicas; r > 1; r-- {
		ok, err := canPlace(ctx, js, n, r)
		if err != nil {
			return 0, err
		}
		if ok {
			return r, nil
		}
	}
	return 1, nil
}

// existingReplicas returns the replicas of the project's state bucket, 0
// when it does not exist yet.
func existingReplicas(ctx context.Context, js jetstream.JetStream, n Names) (int, error) {
	var replicas int
	err := retry(ctx, "bucket "+n.StateBucket(), func(ctx context.Context) error {
		st, err := js.Stream(ctx, "KV_"+n.StateBucket())
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		replicas = st.CachedInfo().Config.Replicas
		return nil
	})
	return replicas, err
}

// checkPlacement returns a clear error when the cluster cannot place want
// replicas, naming the most it can.
func checkPlacement(ctx context.Context, js jetstream.JetStream, n Names, cluster string, want int) error {
	ok, err := canPlace(ctx, js, n, want)
	if err != nil {
		return fmt.Errorf("%s is %d: %w", ReplicasSetting, want, err)
	}
	if ok {
		return nil
	}
	most := 1
	for r := want - 1; r > 1; r-- {
		if ok, err := canPlace(ctx, js, n, r); err != nil {
			return err
		} else if ok {
			most = r
			break
		}
	}
	return fmt.Errorf("%s is %d, but the NATS cluster %q can place at most %d: %w",
		ReplicasSetting, want, cluster, most, ErrReplicas)
}

// canPlace asks JetStream to place a small in-memory probe stream with r
// replicas, and deletes it. It reports false when the cluster has too few
// JetStream servers; while some of its known servers are offline (a
// cluster forming or restarting) it keeps asking until ctx ends, since the
// answer would be wrong now and right later.
func canPlace(ctx context.Context, js jetstream.JetStream, n Names, r int) (bool, error) {
	// A name of its own: of two engines creating one stream at the same
	// moment, one gets no answer (see retryCreate).
	id := strings.ToLower(nuid.Next())
	name := "PW_" + upper(n.Project) + "_PLACEMENT_R" + strconv.Itoa(r) + "_" + id
	placed := false
	err := retry(ctx, "probing the cluster for "+strconv.Itoa(r)+" replicas", func(ctx context.Context) error {
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{
			Name:        name,
			Description: "pipewright probe: can the cluster place this many replicas (deleted at once)",
			Subjects:    []string{"_pw.placement." + lower(n.Project) + "." + id},
			Storage:     jetstream.MemoryStorage,
			Replicas:    r,
			MaxMsgs:     1,
		})
		if err != nil && tooFewPeers(err) {
			return nil
		}
		if err != nil {
			return err
		}
		placed = true
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return err
		}
		return nil
	})
	return placed, err
}

// tooFewPeers reports a placement that failed because the cluster has too
// few JetStream servers, as opposed to servers that are known but offline
// for now.
func tooFewPeers(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no suitable peers") &&
		!strings.Contains(msg, "offline") && !strings.Contains(msg, "miscellaneous")
}
