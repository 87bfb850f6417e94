package sage500demo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

// shop is the SQLite demo database with a connection and a sales-order
// sink to place orders for the warehouse to ship.
type shop struct {
	conn   *sage500.Connection
	orders component.Sink
	placed int
}

func newShop(t *testing.T, clock component.Clock) *shop {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, sage500demo.CreateDB(ctx, path))
	options, err := os.ReadFile("testdata/connection.yaml")
	require.NoError(t, err)
	cf := sage500.NewConnectionFactory()
	set := componenttest.NewSettings(t, "connection/sage")
	set.Clock = clock
	c, err := cf.CreateConnection(ctx, set, componenttest.DecodeConfig(t, cf, strings.ReplaceAll(string(options), "{{DSN}}", "sqlite:"+path)))
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Shutdown(ctx) })
	s := &shop{conn: c.(*sage500.Connection)}
	_, err = s.conn.ApplyFields(ctx)
	require.NoError(t, err)
	sf := sage500.NewSalesOrderFactory()
	sset := component.SinkSettings{Settings: componenttest.NewSettings(t, "orders/sink")}
	sset.Connection, sset.Clock = s.conn, clock
	s.orders, err = sf.CreateSink(ctx, sset, componenttest.DecodeConfig(t, sf, "key_field: AmazonOrderId"))
	require.NoError(t, err)
	return s
}

// place writes n open orders.
func (s *shop) place(t testing.TB, n int) {
	for range n {
		s.placed++
		id := fmt.Sprintf("112-0000005-%07d", s.placed)
		body := map[string]any{
			"header": map[string]any{"CustID": "AMZUS", "TranDate": "2026-03-01", "ShipMethID": "UPS GROUND", "WhseID": "MAIN"},
			"lines":  []any{map[string]any{"ItemID": "WB-0001-BK", "QtyOrd": int64(1), "UnitPrice": decimal.MustParse("24.99")}},
			"custom": map[string]any{"AmazonOrderId": id},
		}
		require.NoError(t, s.orders.Write(context.Background(), []*component.Message{component.NewMessage(id, body)}))
	}
}

// The warehouse's message reports a round that shipped orders: all the
// orders placed before a round make one message. Its shipments are done
// before the report is published, so a report the publisher refused
// until the source stopped is not made again: no backlog.
func TestWarehouse_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		clock := componenttest.NewManualClock(time.Now().Truncate(time.Second))
		s := newShop(t, clock)
		f := sage500demo.NewWarehouseFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Connection, set.Clock = s.conn, clock
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{enabled: true, every: 1m, delay: 1m}"))
				require.NoError(t, err)
				return src
			},
			Input: func(t testing.TB, n int) int {
				s.place(t, n)
				return 1
			},
			Step: func() { clock.Advance(time.Minute) },
		}
	})
}
