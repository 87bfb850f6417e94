package sage500_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// changesOptions follow shipments by their last change, looking back the
// default 15 minutes.
const changesOptions = `
query: shipment_changes
key: [ShipKey]
watermark: ChangeDate
start: "2026-01-01"
every: 1m
group:
  header: [TranID, ShipTrackNo, ShipMethID, AmazonOrderId, CreateDate, ChangeDate]
`

// shipRig is a database with orders to ship one by one, and a source
// following the shipments' changes.
type shipRig struct {
	t     *testing.T
	conn  *sage500.Connection
	sink  component.Sink
	src   *sourceRig
	state *componenttest.MemState
	base  time.Time // after every order was created; whole seconds for SQL Server's datetime
}

func newShipRig(t *testing.T, tg target, options string) *shipRig {
	t.Helper()
	conn, sink := orderSink(t, tg, "")
	r := &shipRig{t: t, conn: conn, sink: sink, state: componenttest.NewMemState(), base: time.Now().Add(time.Hour).Truncate(time.Second)}
	r.src = newSource(t, conn, options, r.state)
	return r
}

// order writes Amazon order n and returns its SOKey.
func (r *shipRig) order(n int) int64 {
	r.t.Helper()
	id := fmt.Sprintf("112-0000009-%07d", n)
	require.NoError(r.t, writeOne(r.t, r.sink, orderMsg(r.t, id)))
	return queryInt(r.t, r.conn.DB(), portable(r.conn, `SELECT SOKey FROM tsoSalesOrder_ext WHERE AmazonOrderId = ?`), id)
}

// ship ships one order in one transaction, stamped at (its CreateDate and
// UpdateDate), and returns the shipment's key.
func (r *shipRig) ship(soKey int64, at time.Time, trackLater bool) int64 {
	r.t.Helper()
	opts := sage500demo.ShipOptions{Dialect: r.conn.Dialect(), Now: at}
	if trackLater {
		opts.TrackingDelay = time.Minute
	}
	n, err := sage500demo.ShipOrder(context.Background(), r.conn.DB(), soKey, opts)
	require.NoError(r.t, err)
	require.Equal(r.t, 1, n)
	return queryInt(r.t, r.conn.DB(), portable(r.conn, `SELECT MAX(l.ShipKey) FROM tsoShipLine l JOIN tsoSOLine sl ON sl.SOLineKey = l.SOLineKey WHERE sl.SOKey = ?`), soKey)
}

// published returns the ShipKeys of the messages published so far, in order.
func (r *shipRig) published() []int64 {
	var keys []int64
	for _, m := range r.src.pub.Messages() {
		keys = append(keys, m.Body.(map[string]any)["ShipKey"].(int64))
	}
	return keys
}

// windowEntries counts what the source remembers in its state.
func (r *shipRig) windowEntries() int {
	keys, err := r.state.Keys(context.Background(), "published.")
	require.NoError(r.t, err)
	return len(keys)
}

func TestQuerySource_publishes_a_shipment_committed_behind_its_cursor_once(t *testing.T) {
	forEachTarget(t, testQuerySource_publishes_a_shipment_committed_behind_its_cursor_once)
}

func testQuerySource_publishes_a_shipment_committed_behind_its_cursor_once(t *testing.T, tg target) {
	r := newShipRig(t, tg, changesOptions)
	first, late := r.order(1), r.order(2)
	s1 := r.ship(first, r.base, false)
	r.src.poll(t)
	require.Equal(t, []int64{s1}, r.published(), "the cursor is at the first shipment")

	// A shipment whose transaction began (and stamped its dates) 5 minutes
	// before the first one commits only now, behind the cursor.
	s2 := r.ship(late, r.base.Add(-5*time.Minute), false)
	for range 3 {
		r.src.poll(t)
	}
	assert.Equal(t, []int64{s1, s2}, r.published(), "the late shipment is published once, on the next poll; the re-read first one is not")
	assert.Equal(t, 2, r.windowEntries(), "both are remembered while the window reads them again")

	// A restarted source reads the same window and publishes nothing.
	again := newSource(t, r.conn, changesOptions, r.state)
	again.poll(t)
	assert.Empty(t, again.pub.Messages())
}

func TestQuerySource_without_lookback_never_sees_a_shipment_committed_behind_its_cursor(t *testing.T) {
	r := newShipRig(t, sqliteTarget(t), changesOptions+"lookback: 0s\n")
	first, late := r.order(1), r.order(2)
	s1 := r.ship(first, r.base, false)
	r.src.poll(t)
	r.ship(late, r.base.Add(-5*time.Minute), false)
	r.src.poll(t)
	assert.Equal(t, []int64{s1}, r.published(), "what the lookback is for: the late shipment is skipped for good")
}

func TestQuerySource_looks_back_a_number_of_keys_behind_a_numeric_cursor(t *testing.T) {
	for lookback, want := range map[string][]int64{"": {1, 3}, "2": {1, 3, 2}} {
		t.Run("lookback "+lookback, func(t *testing.T) {
			options := "query: shipment_keys\nkey: [ShipKey]\nwatermark: ShipKey\nstart: \"1\"\n"
			if lookback != "" {
				options += "lookback: " + lookback + "\n"
			}
			r := newShipRig(t, sqliteTarget(t), options)
			for i := range 3 {
				r.ship(r.order(i+1), r.base, false)
			}
			// Shipment 2 is not visible yet (it commits late), then is.
			db := r.conn.DB()
			_, err := db.Exec(`UPDATE tsoShipment SET CompanyID = 'XXX' WHERE ShipKey = 2`)
			require.NoError(t, err)
			r.src.poll(t)
			_, err = db.Exec(`UPDATE tsoShipment SET CompanyID = 'SOA' WHERE ShipKey = 2`)
			require.NoError(t, err)
			for range 3 {
				r.src.poll(t)
			}
			assert.Equal(t, want, r.published(), "numeric watermarks look back nothing unless told")
		})
	}
}

func TestQuerySource_sees_a_shipment_again_when_its_tracking_number_arrives(t *testing.T) {
	forEachTarget(t, testQuerySource_sees_a_shipment_again_when_its_tracking_number_arrives)
}

func testQuerySource_sees_a_shipment_again_when_its_tracking_number_arrives(t *testing.T, tg target) {
	r := newShipRig(t, tg, changesOptions)
	key := r.ship(r.order(1), r.base, true)
	r.src.poll(t)
	assert.Empty(t, r.published(), "no tracking number yet: the query keeps it out")

	n, err := sage500demo.AddTrackingNumbers(context.Background(), r.conn.DB(), sage500demo.ShipOptions{Dialect: r.conn.Dialect(), Now: r.base.Add(30 * time.Minute), TrackingDelay: time.Minute})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	r.src.poll(t)
	r.src.poll(t)
	require.Equal(t, []int64{key}, r.published(), "seen once its tracking number arrived")
	tracked := r.src.pub.Messages()[0]
	assert.Equal(t, "1ZDEMO01"+fmt.Sprintf("%010d", key), tracked.Body.(map[string]any)["ShipTrackNo"])

	// An update for another reason is a new version of the shipment: it is
	// published again under another ID (the flow's sink knows it is done).
	_, err = r.conn.DB().Exec(portable(r.conn, `UPDATE tsoShipment SET UserFld2 = 'PACKED', UpdateDate = ?, UpdateCounter = UpdateCounter + 1 WHERE ShipKey = ?`),
		sageTime(r.conn, r.base.Add(40*time.Minute)), key)
	require.NoError(t, err)
	r.src.poll(t)
	r.src.poll(t)
	msgs := r.src.pub.Messages()
	require.Len(t, msgs, 2, "each version once")
	assert.NotEqual(t, msgs[0].ID, msgs[1].ID)
	assert.Equal(t, msgs[0].Meta(component.MetaKey), msgs[1].Meta(component.MetaKey), "the same shipment")
}

func TestQuerySource_reads_its_window_again_without_publishing_twice(t *testing.T) {
	r := newShipRig(t, sqliteTarget(t), changesOptions+"max_rows: 2\n")
	var want []int64
	for i := range 6 {
		// Two shipments a minute apart, the last one first: all within the window.
		want = append(want, r.ship(r.order(i+1), r.base.Add(time.Duration(i)*time.Minute), false))
	}
	for more := true; more; {
		more = r.src.poll(t)
	}
	for range 5 {
		assert.False(t, r.src.poll(t))
	}
	assert.Equal(t, want, r.published(), "six shipments, six messages, in order")
	rows := counterValue(t, r.src.metrics, "pipewright_sage500_query_total", "rows")
	assert.Greater(t, rows, float64(3*6*5), "every poll read the window (three lines a shipment) again")
	assert.Equal(t, float64(6), counterValue(t, r.src.metrics, "pipewright_sage500_query_total", "messages"))
}

func TestQuerySource_forgets_what_falls_out_of_its_window(t *testing.T) {
	r := newShipRig(t, sqliteTarget(t), changesOptions+"lookback: 10m\n")
	r.ship(r.order(1), r.base, false)
	r.src.poll(t)
	assert.Equal(t, 1, r.windowEntries())
	last := r.ship(r.order(2), r.base.Add(time.Hour), false)
	r.src.poll(t)
	assert.Equal(t, 1, r.windowEntries(), "the first shipment is an hour behind: no poll reads it again")
	r.src.poll(t)
	assert.Equal(t, []int64{r.published()[0], last}, r.published())
}

func TestQuerySource_takes_over_the_cursor_of_an_earlier_version(t *testing.T) {
	r := newShipRig(t, sqliteTarget(t), changesOptions)
	key := r.ship(r.order(1), r.base, false)
	at := r.base.UTC().Format(time.RFC3339Nano)
	id := fmt.Sprintf("sage500.query:shipment_changes:%d@%s", key, at)
	require.NoError(t, r.state.Put(context.Background(), "cursor", []byte(`{"kind":"time","watermark":"`+at+`","seen":["`+id+`"]}`)))
	r.src.poll(t)
	assert.Empty(t, r.published(), "what the old cursor had seen is not published again")
	assert.Equal(t, 1, r.windowEntries())
}

func TestQuerySource_moves_a_cursor_behind_a_raised_start_up_to_it(t *testing.T) {
	r := newShipRig(t, sqliteTarget(t), changesOptions)
	r.ship(r.order(1), r.base, false)
	r.src.poll(t)
	later := r.ship(r.order(2), r.base.Add(2*time.Hour), false)
	options := strings.Replace(changesOptions, `start: "2026-01-01"`, fmt.Sprintf("start: %q", r.base.Add(time.Hour).UTC().Format(time.RFC3339)), 1)
	raised := newSource(t, r.conn, options, r.state)
	raised.poll(t)
	require.Len(t, raised.pub.Messages(), 1)
	assert.Equal(t, later, raised.pub.Messages()[0].Body.(map[string]any)["ShipKey"])
}

// sageTime binds a time for a test statement as the connector does: a
// datetime in the connection's zone (UTC in testdata/connection.yaml).
func sageTime(conn *sage500.Connection, at time.Time) any {
	if conn.Dialect() == "sqlserver" {
		return mssql.DateTime1(at.UTC())
	}
	return at.UTC().Format("2006-01-02 15:04:05.000")
}
