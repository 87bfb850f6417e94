package spapi

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// Metadata keys set on order messages.
const (
	MetaOrderID     = "spapi-order-id"
	MetaMarketplace = "spapi-marketplace-id"
	MetaLastUpdated = "spapi-last-updated"
	// MetaVia says how the order arrived: "poll" or "notification".
	MetaVia = "spapi-via"
)

type ordersFactory struct{ factory }

var _ component.SourceFactory = ordersFactory{}

// NewOrdersFactory returns the factory of the spapi.orders source.
func NewOrdersFactory() component.SourceFactory {
	return ordersFactory{factory{typ: "spapi.orders", kind: component.KindSource,
		newConfig: func() any { return newOrdersConfig() }}}
}

// ordersSource polls searchOrders and fetches notified orders with
// getOrder; both publish each order version under the same message id
// (<orderId>@<lastUpdatedTime>), so the stream stores it once.
type ordersSource struct {
	component.Lifecycle
	cfg       *OrdersConfig
	set       component.SourceSettings
	api       *client.Client
	markets   []string
	searchOp  *models.Operation
	getOp     *models.Operation
	seen      *versionCache
	intakes   *intakes
	wake      chan struct{}
	published *prometheus.CounterVec
	// round is what the notification loop has left to fetch in its round.
	round stateRound
}

var (
	_ component.Poller = (*ordersSource)(nil)
	_ component.Pusher = (*ordersSource)(nil)
)

// CreateSource returns the source; the engine runs its loops and serves
// its notification path.
func (ordersFactory) CreateSource(ctx context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c, err := configAs[OrdersConfig]("spapi.orders", cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connectionOf(set.Settings)
	if err != nil {
		return nil, err
	}
	s := &ordersSource{
		cfg: c, set: set, api: conn.api(), markets: c.Marketplaces,
		searchOp: models.MustLookupOperation("searchOrders"), getOp: models.MustLookupOperation("orders/2026-01-01/getOrder"),
		seen: newVersionCache(50_000), wake: make(chan struct{}, 1), round: stateRound{prefix: pendingPrefix},
		published: metric.CounterVec(set.Metrics, prometheus.CounterOpts{
			Name: "pipewright_spapi_orders_published_total",
			Help: "Order versions published by spapi.orders, by path (poll or notification).",
		}, "via"),
	}
	if len(s.markets) == 0 {
		s.markets = conn.Marketplaces()
	}
	if s.intakes, err = newIntakes(ctx, "spapi.orders", c.Notifications, conn, set.Settings, set.DeadLetter, s.recordChange); err != nil {
		return nil, err
	}
	return s, nil
}

// Routes serves the notification path, if configured.
func (s *ordersSource) Routes() map[string]http.Handler {
	return s.intakes.routes()
}

// Shutdown lets go of the SQS batch the intake may still hold.
func (s *ordersSource) Shutdown(context.Context) error {
	s.intakes.release()
	return nil
}

// Polls is the searchOrders poller (unless disabled) and, with
// notifications, the worker fetching notified orders, woken by the intake.
func (s *ordersSource) Polls() []component.Poll {
	var polls []component.Poll
	if s.cfg.Poll.Enabled {
		polls = append(polls, component.Poll{Name: "search", CursorKey: pollStateKey, Every: s.cfg.Poll.Every.D(), Read: s.search})
	}
	if s.cfg.Notifications != nil {
		polls = append(polls, component.Poll{Name: "notifications", Every: drainEvery, Wake: s.wake, Read: s.drain})
	}
	return append(polls, s.intakes.polls()...)
}

// orderBatch makes the batch of order objects (as Amazon returns them);
// its Ack remembers their versions. An order without id or
// lastUpdatedTime is dead-lettered.
func (s *ordersSource) orderBatch(ctx context.Context, orders []any, via string) (component.Batch, error) {
	now := s.set.Clock.Now().UTC().Format(time.RFC3339)
	msgs := make([]*component.Message, 0, len(orders))
	versions := make(map[string]time.Time, len(orders))
	for _, o := range orders {
		order, _ := o.(map[string]any)
		id, _ := order["orderId"].(string)
		updated, _ := order["lastUpdatedTime"].(string)
		t, err := time.Parse(time.RFC3339, updated)
		if id == "" || err != nil {
			bad := component.NewMessage("", o)
			if dlErr := s.set.DeadLetter.DeadLetter(ctx, bad, component.Permanentf("order without orderId or a valid lastUpdatedTime")); dlErr != nil {
				return component.Batch{}, dlErr
			}
			continue
		}
		m := component.NewMessage(id+"@"+updated, order)
		m.SetMeta(component.MetaKey, id)
		m.SetMeta(component.MetaReceivedAt, now)
		m.SetMeta(MetaOrderID, id)
		m.SetMeta(MetaLastUpdated, updated)
		m.SetMeta(MetaVia, via)
		if sc, ok := order["salesChannel"].(map[string]any); ok {
			if mkt, ok := sc["marketplaceId"].(string); ok {
				m.SetMeta(MetaMarketplace, mkt)
			}
		}
		msgs = append(msgs, m)
		versions[id] = t
	}
	return component.Batch{Messages: msgs, Ack: func(context.Context) error {
		for id, t := range versions {
			s.seen.record(id, t)
		}
		s.published.WithLabelValues(via).Add(float64(len(msgs)))
		return nil
	}}, nil
}
