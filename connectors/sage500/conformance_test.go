package sage500_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

// conformanceDB is a fresh demo database whose writers give up after
// 100ms of a lock (instead of 10s), and a way to hold that lock.
type conformanceDB struct {
	path string
	conn *sage500.Connection
}

func newConformanceDB(t *testing.T) *conformanceDB {
	path := demoDB(t)
	return &conformanceDB{path: path, conn: newConn(t, target{"sqlite", "sqlite:" + path + "?_busy_timeout=100"})}
}

// lock holds the database's write lock, as a long Sage transaction would,
// until the returned function is called.
func (d *conformanceDB) lock(t testing.TB) func() {
	db, err := sage500demo.OpenDB(d.path)
	require.NoError(t, err)
	tx, err := db.Begin() // IMMEDIATE: takes the write lock
	require.NoError(t, err)
	return func() {
		require.NoError(t, tx.Rollback())
		require.NoError(t, db.Close())
	}
}

func (d *conformanceDB) strings(t testing.TB, query string) []string {
	rows, err := d.conn.DB().Query(query)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// sinkSpec is the spec of a sink of f on the database with options.
func (d *conformanceDB) sinkSpec(f component.SinkFactory, options string, bind func(any)) connectortest.SinkSpec {
	return connectortest.SinkSpec{
		New: func(t testing.TB, set component.SinkSettings) component.Sink {
			cfg := componenttest.DecodeConfig(t, f, options)
			if bind != nil {
				bind(cfg)
			}
			set.Connection = d.conn
			s, err := f.CreateSink(context.Background(), set, cfg)
			require.NoError(t, err)
			return s
		},
		Break: func(t testing.TB) func() { return d.lock(t) },
	}
}

func TestQuerySource_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		d := newConformanceDB(t)
		orders := newSink(t, sage500.NewSalesOrderFactory(), d.conn, salesOrderOptions)
		clock := componenttest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
		at := time.Now().Add(time.Hour).Truncate(time.Second)
		n := 0
		f := sage500.NewQueryFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Connection, set.Clock = d.conn, clock
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, shipmentsOptions))
				require.NoError(t, err)
				return src
			},
			Input: func(t testing.TB, k int) int {
				shipOrders(t, d.conn, orders, n+1, k, at.Add(time.Duration(n)*time.Minute))
				n += k
				return k
			},
			Step:     func() { clock.Advance(time.Minute) },
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

func TestSalesOrderSink_conformance(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		d := newConformanceDB(t)
		spec := d.sinkSpec(sage500.NewSalesOrderFactory(), salesOrderOptions, nil)
		id := func(i int) string { return fmt.Sprintf("112-0000008-%07d", i) }
		spec.Message = func(i int) *component.Message { return orderMsg(t, id(i)) }
		spec.Want = id
		spec.Written = func(t testing.TB) []string { return d.strings(t, `SELECT AmazonOrderId FROM tsoSalesOrder_ext`) }
		spec.Bad = func() *component.Message {
			return orderMsg(t, id(99), func(m map[string]any) { line(m, 1)["ItemID"] = "NO-SUCH-ITEM" })
		}
		spec.Features.Idempotent = true
		return spec
	})
}

func TestJournalSink_conformance(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		d := newConformanceDB(t)
		spec := d.sinkSpec(sage500.NewJournalFactory(), journalOptions, nil)
		id := func(i int) string { return fmt.Sprint(23456789000 + i) }
		spec.Message = func(i int) *component.Message { return journalMsg(t, id(i)) }
		spec.Want = id
		spec.Written = func(t testing.TB) []string { return d.strings(t, `SELECT SettlementId FROM tglJournalHdr_ext`) }
		spec.Bad = func() *component.Message {
			return journalMsg(t, id(99), func(m map[string]any) { journalLine(m, 2)["GLAcctNo"] = "6999" })
		}
		spec.Features.Idempotent = true
		return spec
	})
}

func TestExecSink_conformance(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		d := newConformanceDB(t)
		orders := newSink(t, sage500.NewSalesOrderFactory(), d.conn, salesOrderOptions)
		shipOrders(t, d.conn, orders, 1, 3, time.Now().Add(time.Hour))
		keys := d.strings(t, `SELECT ShipKey FROM tsoShipment ORDER BY ShipKey`)
		spec := d.sinkSpec(sage500.NewExecFactory(), "statement: confirm_shipment\nparams: {status: msg.status, at: msg.at, ship_key: msg.ship_key}\nmin_rows_affected: 1\n",
			func(cfg any) {
				bindExprs(t, cfg.(*sage500.ExecConfig), map[string]string{"status": "status", "at": "at", "ship_key": "ship_key"})
			})
		confirm := func(id string, key any) *component.Message {
			return component.NewMessage(id, map[string]any{"status": id, "at": time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC), "ship_key": key})
		}
		spec.Message = func(i int) *component.Message {
			key, err := strconv.ParseInt(keys[i], 10, 64)
			require.NoError(t, err)
			return confirm(fmt.Sprint("C", i), key)
		}
		spec.Want = func(i int) string { return fmt.Sprintf("%s C%d", keys[i], i) }
		spec.Written = func(t testing.TB) []string {
			return d.strings(t, `SELECT ShipKey || ' ' || UserFld1 FROM tsoShipment WHERE UserFld1 LIKE 'C%'`)
		}
		spec.Bad = func() *component.Message { return confirm("C99", int64(999999)) }
		return spec
	})
}
