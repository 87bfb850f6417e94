package sage500_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
)

// BenchmarkSalesOrderSink_demo_database writes sales orders of 3 lines, one
// transaction each, into the SQLite demo database and reports orders/s.
func BenchmarkSalesOrderSink_demo_database(b *testing.B) {
	conn := newConn(b, sqliteTarget(b))
	sink := newSink(b, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
	ctx := context.Background()
	msgs := make([]*component.Message, b.N)
	for i := range msgs {
		msgs[i] = orderMsg(b, fmt.Sprintf("114-%07d-%07d", i/10000000, i%10000000))
	}
	b.ResetTimer()
	for _, m := range msgs {
		if err := sink.Write(ctx, []*component.Message{m}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	require.Equal(b, int64(b.N), queryInt(b, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`))
}
