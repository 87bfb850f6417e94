package ratelimit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
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

// countingStore counts the round trips to a shared store.
type countingStore struct {
	component.SharedState
	trips atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, k string) ([]byte, uint64, error) {
	s.trips.Add(1)
	return s.SharedState.Get(ctx, k)
}

func (s *countingStore) Set(ctx context.Context, k string, v []byte, rev uint64) (uint64, error) {
	s.trips.Add(1)
	return s.SharedState.Set(ctx, k, v, rev)
}

// BenchmarkSharedLimiter_concurrent measures one operation's tokens taken
// by many callers at once: 1, 4 or 16 goroutines per engine, on 1 or 3
// engines (each with its own NATS connection) sharing one bucket in
// JetStream KV on one server. ns/op is the time per token over all
// callers; trips/token counts KV reads and writes per token.
func BenchmarkSharedLimiter_concurrent(b *testing.B) {
	plan := ratelimit.Plan{Rate: 1e9, Burst: 1e9}
	k := key{"S", "confirmShipment"}
	srv := natstest.StartServer(b)
	stores := []*countingStore{{SharedState: srv.SharedState("bench")}, {SharedState: srv.SharedState("bench")}, {SharedState: srv.SharedState("bench")}}
	for _, n := range []int{1, 3} {
		for _, callers := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("engines=%d/callers=%d", n, callers), func(b *testing.B) {
				ls := make([]*ratelimit.Limiter[key], n)
				for i := range ls {
					stores[i].trips.Store(0)
					ls[i] = ratelimit.NewSharedLimiter[key](component.WallClock{}, ratelimit.Shared[key]{Store: stores[i], Key: keyName})
				}
				var next atomic.Int64
				ctx := context.Background()
				b.ResetTimer()
				var wg sync.WaitGroup
				for _, l := range ls {
					for range callers {
						wg.Go(func() {
							for next.Add(1) <= int64(b.N) {
								if _, err := l.Reserve(ctx, k, plan); err != nil {
									b.Error(err)
									return
								}
							}
						})
					}
				}
				wg.Wait()
				b.StopTimer()
				var trips int64
				for _, s := range stores[:n] {
					trips += s.trips.Load()
				}
				b.ReportMetric(float64(trips)/float64(b.N), "trips/token")
			})
		}
	}
}
