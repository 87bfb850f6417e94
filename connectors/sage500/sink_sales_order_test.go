package sage500_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
)

const salesOrderOptions = "key_field: AmazonOrderId\n"

// orderBody is testdata/order.json for an Amazon order id, changed by edit.
func orderBody(t testing.TB, key string, edit ...func(map[string]any)) any {
	t.Helper()
	b, err := os.ReadFile("testdata/order.json")
	require.NoError(t, err)
	body := jsonBody(t, strings.ReplaceAll(string(b), "{{KEY}}", key))
	for _, e := range edit {
		e(body.(map[string]any))
	}
	return body
}

func orderMsg(t testing.TB, key string, edit ...func(map[string]any)) *component.Message {
	return component.NewMessage("order-"+key, orderBody(t, key, edit...))
}

func header(m map[string]any) map[string]any { return m["header"].(map[string]any) }
func line(m map[string]any, i int) map[string]any {
	return m["lines"].([]any)[i].(map[string]any)
}

func TestSalesOrderSink_creates_the_order_in_one_transaction(t *testing.T) {
	conn := newConn(t, sqliteTarget(t))
	sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
	require.NoError(t, sink.Write(context.Background(), []*component.Message{orderMsg(t, "112-0000001-0000001")}))

	db := conn.DB()
	var tranNo, tranID, currID string
	var status int64
	var sales, disc, freight, stax, tran decimal.Decimal
	require.NoError(t, db.QueryRow(`SELECT o.TranNo, o.TranID, o.CurrID, o.Status, o.SalesAmt, o.TradeDiscAmt, o.FreightAmt, o.STaxAmt, o.TranAmt
FROM tsoSalesOrder o JOIN tsoSalesOrder_ext x ON x.SOKey = o.SOKey WHERE x.AmazonOrderId = '112-0000001-0000001'`).
		Scan(&tranNo, &tranID, &currID, &status, &sales, &disc, &freight, &stax, &tran))
	assert.Equal(t, "0000000001", tranNo)
	assert.Equal(t, "SO-0000000001", tranID)
	assert.Equal(t, "USD", currID, "currency from the customer")
	assert.Equal(t, int64(1), status)
	assert.Equal(t, "138.9", sales.String())
	assert.Equal(t, "2.5", disc.String())
	assert.Equal(t, "5.99", freight.String())
	assert.Equal(t, "4.13", stax.String())
	assert.Equal(t, "146.52", tran.String(), "138.90 - 2.50 + 5.99 + 4.13")
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLine_ext`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrdLog`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tciAddress WHERE AddrName = 'Jane Doe' AND TransactionOverride = 1`))
	var desc string
	require.NoError(t, db.QueryRow(`SELECT Description FROM tsoSOLine WHERE SOLineNo = 1`).Scan(&desc))
	assert.Equal(t, "Stainless Steel Water Bottle, Black, 32 ", desc, "the item's short description")
}
