package sage500_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// TestSalesOrderSink_concurrent_deliveries_create_one_order has 8 workers,
// each with its own connection pool as separate engine replicas would,
// deliver the same order 50 times each, retrying retryable errors.
func TestSalesOrderSink_concurrent_deliveries_create_one_order(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_concurrent_deliveries_create_one_order)
}

func testSalesOrderSink_concurrent_deliveries_create_one_order(t *testing.T, tg target) {
	const workers, deliveries = 8, 50
	sinks := make([]component.Sink, workers)
	var conns []*sage500.Connection
	for i := range sinks {
		conn := newConn(t, tg)
		conns = append(conns, conn)
		sinks[i] = newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*deliveries)
	for _, sink := range sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range deliveries {
				for {
					err := sink.Write(context.Background(), []*component.Message{orderMsg(t, "112-0000002-0000001")})
					if err == nil || !component.IsRetryable(err) {
						errs <- err
						break
					}
				}
			}
		}()
	}
	componenttest.Wait(t, "the workers", &wg)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	db := conns[0].DB()
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrder`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrder_ext`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist`))
	assert.Equal(t, int64(2), queryInt(t, db, `SELECT NextTranNo FROM tciTranTypeCompany WHERE TranType = 801`), "one tran number taken")
}

// genOrder makes a random order: 1 to 5 lines of random items, quantities,
// prices and discounts, freight on the header or on the lines, sales tax.
func genOrder(r *rand.Rand, key string) (map[string]any, decimal.Decimal) {
	items := []string{"WB-0001-BK", "CG-0003-SS", "BS-0004-BK", "DL-0005-WH", "PC-0007-CL", "UC-0014-6F"}
	money := func(maxCents int) decimal.Decimal { return decimal.MustNew(int64(r.IntN(maxCents)), 2) }
	n := 1 + r.IntN(5)
	lines := make([]any, n)
	want := decimal.Zero
	lineFreight := r.IntN(2) == 0
	for i := range lines {
		qty := decimal.MustNew(int64(1+r.IntN(10)), 0)
		price := decimal.MustNew(int64(100+r.IntN(99900)), 2+r.IntN(4)) // 2 to 5 decimal places
		ext, _ := qty.Mul(price)
		disc := money(int(ext.Coef()) / 4)
		l := map[string]any{"ItemID": items[r.IntN(len(items))], "QtyOrd": qty, "UnitPrice": price, "TradeDiscAmt": disc}
		want, _ = want.Add(roundHalfAway(ext))
		want, _ = want.Sub(disc)
		if lineFreight {
			f := money(1500)
			l["FreightAmt"] = f
			want, _ = want.Add(f)
		}
		lines[i] = l
	}
	tax := money(5000)
	want, _ = want.Add(tax)
	h := map[string]any{"CustID": "AMZUS", "STaxAmt": tax}
	if !lineFreight {
		f := money(2500)
		h["FreightAmt"] = f
		want, _ = want.Add(f)
	}
	return map[string]any{"header": h, "lines": lines, "custom": map[string]any{"AmazonOrderId": key}}, want
}

// TestSalesOrderSink_header_totals_equal_the_sums_of_the_lines is a
// property test over generated orders.
func TestSalesOrderSink_header_totals_equal_the_sums_of_the_lines(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_header_totals_equal_the_sums_of_the_lines)
}

func testSalesOrderSink_header_totals_equal_the_sums_of_the_lines(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	r := rand.New(rand.NewPCG(5, 500))
	db := conn.DB()
	for i := range 200 {
		key := fmt.Sprintf("113-%07d-0000001", i)
		body, want := genOrder(r, key)
		require.NoError(t, sink.Write(context.Background(), []*component.Message{component.NewMessage(key, body)}), "order %d", i)

		var soKey int64
		var sales, disc, freight, stax, tran, open decimal.Decimal
		require.NoError(t, db.QueryRow(portable(conn, `SELECT o.SOKey, o.SalesAmt, o.TradeDiscAmt, o.FreightAmt, o.STaxAmt, o.TranAmt, o.OpenAmt
FROM tsoSalesOrder o JOIN tsoSalesOrder_ext x ON x.SOKey = o.SOKey WHERE x.AmazonOrderId = ?`), key).
			Scan(&soKey, &sales, &disc, &freight, &stax, &tran, &open))
		rows, err := db.Query(portable(conn, `SELECT d.QtyOrd, l.UnitPrice, d.ExtAmt, d.TradeDiscAmt, d.FreightAmt FROM tsoSOLine l
JOIN tsoSOLineDist d ON d.SOLineKey = l.SOLineKey WHERE l.SOKey = ?`), soKey)
		require.NoError(t, err)
		var sums [3]decimal.Decimal
		for rows.Next() {
			var qty, price, ext, ldisc, lfreight decimal.Decimal
			require.NoError(t, rows.Scan(&qty, &price, &ext, &ldisc, &lfreight))
			gross, _ := qty.Mul(price)
			assert.True(t, roundHalfAway(gross).Equal(ext), "order %d: ExtAmt %s = QtyOrd x UnitPrice %s rounded to 3 places", i, ext, gross)
			sums[0], _ = sums[0].Add(ext)
			sums[1], _ = sums[1].Add(ldisc)
			sums[2], _ = sums[2].Add(lfreight)
		}
		require.NoError(t, rows.Close())
		assert.True(t, sums[0].Equal(sales), "order %d: SalesAmt %s = sum of ExtAmt %s", i, sales, sums[0])
		assert.True(t, sums[1].Equal(disc), "order %d: TradeDiscAmt %s = sum of lines %s", i, disc, sums[1])
		assert.True(t, sums[2].Equal(freight), "order %d: FreightAmt %s = sum of lines %s", i, freight, sums[2])
		fromHeader, _ := sales.Sub(disc)
		fromHeader, _ = fromHeader.Add(freight)
		fromHeader, _ = fromHeader.Add(stax)
		assert.True(t, fromHeader.Equal(tran), "order %d: TranAmt %s = SalesAmt - TradeDiscAmt + FreightAmt + STaxAmt = %s", i, tran, fromHeader)
		assert.True(t, want.Equal(tran), "order %d: TranAmt %s equals the generated order's total %s", i, tran, want)
		assert.True(t, open.Equal(tran), "order %d: OpenAmt", i)
	}
}

// roundHalfAway rounds to 3 places, halves away from zero (T-SQL's ROUND).
func roundHalfAway(d decimal.Decimal) decimal.Decimal {
	up, _ := d.Abs().Add(decimal.MustParse("0.0005"))
	return up.Floor(3).CopySign(d)
}
