package ratelimit_test

import (
	"context"
	"testing"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/natstest"
)

// BenchmarkSharedLimiter_Reserve measures the cost of one token: from this
// process's bucket, and from a bucket in JetStream KV on one server (R1)
// and on a 3-node cluster (R3), taken by one engine (its cached revision is
// current: one compare-and-set) or by two engines in turn (every take
// conflicts once: a read and a second write).
func BenchmarkSharedLimiter_Reserve(b *testing.B) {
	plan := ratelimit.Plan{Rate: 1e9, Burst: 1e9}
	k := key{"S", "op"}
	single := natstest.StartServer(b).SharedState("bench")
	cluster := natstest.StartCluster(b, 3).SharedState("bench")
	for _, bc := range []struct {
		name    string
		store   component.SharedState
		engines int
	}{
		{"local", nil, 1},
		{"R1", single, 1},
		{"R3", cluster, 1},
		{"R3 two engines", cluster, 2},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ls := engines(component.WallClock{}, bc.store, bc.engines)
			if bc.store == nil {
				ls = []*ratelimit.Limiter[key]{ratelimit.NewLimiter[key](component.WallClock{})}
			}
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if _, err := ls[i%len(ls)].Reserve(ctx, k, plan); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
