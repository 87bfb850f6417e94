package spapi_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// Orders benchmarks run the orders source against the simulator at an
// accelerated time scale and report what the rate limits allow. Run them
// once each:
//
//	go test ./connectors/spapi -run '^$' -bench Orders -benchtime 1x -count 5

// pageRecorder records the size of every published batch (one per
// searchOrders page or getOrder) and the distinct message ids by hour.
type pageRecorder struct {
	mu                         sync.Mutex
	clock                      component.Clock
	start                      time.Time
	pages                      []int // batch sizes of the poll path
	seen                       map[string]bool
	fresh                      map[int]int // new ids per simulated hour since start
	notes                      int         // messages published by the notification path
	pagesByHour, resultsByHour map[int]int
}

func (p *pageRecorder) Publish(_ context.Context, msgs ...*component.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	hour := int(p.clock.Now().Sub(p.start) / time.Hour)
	if len(msgs) > 0 && msgs[0].Meta(spapi.MetaVia) == "poll" {
		p.pages = append(p.pages, len(msgs))
		p.pagesByHour[hour]++
		p.resultsByHour[hour] += len(msgs)
	} else {
		p.notes += len(msgs)
	}
	for _, m := range msgs {
		if !p.seen[m.ID] {
			p.seen[m.ID] = true
			p.fresh[hour]++
		}
	}
	return nil
}

type benchRun struct {
	rec   *pageRecorder
	stats simulator.Stats
	notes int
}

// runOrders runs the orders source for hours of simulated time.
func runOrders(b *testing.B, scale, ordersPerHour float64, hours int, notifications bool) benchRun {
	clock := component.NewScaledClock(time.Now().UTC().Truncate(time.Millisecond), scale)
	simYAML := "orders_per_hour: " + strconv.FormatFloat(ordersPerHour, 'f', -1, 64) + "\n"
	push := ""
	if notifications {
		push = pushToken
	}
	e := newEnv(b, clock, simYAML, push)
	rec := &pageRecorder{clock: clock, start: clock.Now(), seen: map[string]bool{}, fresh: map[int]int{}, pagesByHour: map[int]int{}, resultsByHour: map[int]int{}}
	f := spapi.NewOrdersFactory()
	yaml := "{poll: {every: 5m, overlap: 2m, lookback: 10m}}"
	if notifications {
		yaml = "{poll: {every: 5m, overlap: 2m, lookback: 10m}, notifications: {path: /hooks/orders, auth: {token: s3cret}}}"
	}
	cfg, err := componenttest.TryDecodeConfig(f, yaml)
	if err != nil {
		b.Fatal(err)
	}
	set := e.sourceSettings()
	set.Publisher = rec
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := src.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	<-clock.After(context.Background(), time.Duration(hours)*time.Hour)
	_ = src.Shutdown(context.Background())
	return benchRun{rec: rec, stats: e.sim.Stats(), notes: len(e.sim.Notifications())}
}

// BenchmarkOrders_poll_ceiling saturates the poller: the simulator makes
// more orders than searchOrders can carry. After the first hour (the burst
// of 20 calls) it measures orders ingested per simulated hour against the
// ceiling rate × 3600 × 100, and the page sizes. "orders" counts every
// order a page carried; "new versions" leaves out orders carried again
// because they changed while a long window was being paged (their later
// version falls in the next window too, and the stream de-duplicates it).
func BenchmarkOrders_poll_ceiling(b *testing.B) {
	const warmup, measure = 2, 3 // simulated hours
	op := models.MustLookupOperation("searchOrders")
	plan, _ := op.DefaultRateLimit()
	ceiling := plan.Rate * 3600 * 100
	for i := 0; i < b.N; i++ {
		r := runOrders(b, 3600, 3000, warmup+measure, false)
		r.rec.mu.Lock()
		versions, results := 0, 0
		for h := warmup; h < warmup+measure; h++ {
			versions += r.rec.fresh[h]
			results += r.rec.resultsByHour[h]
		}
		full, partial := 0, 0
		for _, n := range r.rec.pages {
			if n == 100 {
				full++
			} else {
				partial++
			}
		}
		b.Logf("pages %v results %v new versions %v", r.rec.pagesByHour, r.rec.resultsByHour, r.rec.fresh)
		b.ReportMetric(float64(results)/measure, "orders/simhour")
		b.ReportMetric(100*float64(results)/measure/ceiling, "%ceiling")
		b.ReportMetric(float64(versions)/measure, "new-versions/simhour")
		b.ReportMetric(float64(r.stats.Calls["searchOrders"])/float64(len(r.rec.seen)), "calls/order")
		b.ReportMetric(float64(full), "full-pages")
		b.ReportMetric(float64(partial), "partial-pages")
		b.ReportMetric(float64(r.stats.Throttled["searchOrders"]), "429s")
		r.rec.mu.Unlock()
	}
}

// BenchmarkOrders_notifications runs both paths below the getOrder ceiling
// (at a time scale of 600, so that the simulator's pushes keep up) and
// reports getOrder calls per order change (target: at most one) and the
// share of versions that arrived through a notification first.
func BenchmarkOrders_notifications(b *testing.B) {
	for i := 0; i < b.N; i++ {
		r := runOrders(b, 600, 600, 2, true)
		getOrders := r.stats.Calls[getOrderOp]
		r.rec.mu.Lock()
		b.ReportMetric(float64(getOrders)/float64(r.notes), "getOrder/change")
		b.ReportMetric(float64(r.rec.notes)/float64(len(r.rec.seen)), "via-notification")
		b.ReportMetric(float64(getOrders+r.stats.Calls["searchOrders"])/float64(len(r.rec.seen)), "calls/version")
		b.ReportMetric(float64(len(r.rec.seen))/2, "versions/simhour")
		b.ReportMetric(float64(r.stats.Throttled[getOrderOp]+r.stats.Throttled["searchOrders"]), "429s")
		r.rec.mu.Unlock()
	}
}
