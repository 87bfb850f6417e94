package spapi

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
	"github.com/pipewright/pipewright/connectors/internal/webhook"
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
	return ordersFactory{factory{typ: "spapi.orders", kind: component.KindSource, schema: ordersSchema,
		newConfig: func() any { return newOrdersConfig() }}}
}

// ordersSource polls searchOrders and fetches notified orders with
// getOrder; both publish each order version under the same message id
// (<orderId>@<lastUpdatedTime>), so the stream stores it once.
type ordersSource struct {
	cfg       *OrdersConfig
	set       component.SourceSettings
	api       *client.Client
	markets   []string
	searchOp  *models.Operation
	getOp     *models.Operation
	seen      *versionCache
	intake    *webhook.Endpoint // nil without notifications
	wake      chan struct{}
	published *prometheus.CounterVec
	loops     background
}

// CreateSource returns the source; it starts polling and listening in Start.
func (ordersFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
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
		seen: newVersionCache(50_000), wake: make(chan struct{}, 1),
		published: metric.CounterVec(set.Metrics, prometheus.CounterOpts{
			Name: "pipewright_spapi_orders_published_total",
			Help: "Order versions published by spapi.orders, by path (poll or notification).",
		}, "via"),
	}
	if len(s.markets) == 0 {
		s.markets = conn.Marketplaces()
	}
	if c.Notifications != nil {
		if s.intake, err = newIntake(c.Notifications, set.Settings, s.recordChange); err != nil {
			return nil, fmt.Errorf("spapi.orders: %w", err)
		}
	}
	return s, nil
}

// Start registers the notification path and starts the poller and the
// notification worker.
func (s *ordersSource) Start(ctx context.Context) error {
	if s.intake != nil {
		if err := s.set.HTTP.Handle(s.cfg.Notifications.Path, s.intake); err != nil {
			return fmt.Errorf("spapi.orders: %w", err)
		}
	}
	var loops []func(context.Context)
	if s.cfg.Poll.Enabled {
		loops = append(loops, s.pollLoop)
	}
	if s.intake != nil {
		loops = append(loops, s.drainLoop)
	}
	s.loops.run(ctx, loops...)
	return nil
}

// Shutdown refuses new notifications (503), waits for those in flight,
// then stops the poller and the worker.
func (s *ordersSource) Shutdown(ctx context.Context) error {
	var err error
	if s.intake != nil {
		err = s.intake.Close(ctx)
	}
	s.loops.stop()
	return err
}

// publishOrders publishes order objects (as Amazon returns them) and
// remembers their versions. An order without id or lastUpdatedTime is
// dead-lettered.
func (s *ordersSource) publishOrders(ctx context.Context, orders []any, via string) error {
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
				return dlErr
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
	if len(msgs) == 0 {
		return nil
	}
	if err := s.set.Publisher.Publish(ctx, msgs...); err != nil {
		return fmt.Errorf("publishing orders: %w", err)
	}
	for id, t := range versions {
		s.seen.record(id, t)
	}
	s.published.WithLabelValues(via).Add(float64(len(msgs)))
	return nil
}
