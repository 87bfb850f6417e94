package sage500_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// BenchmarkSalesOrderSink_demo_database writes sales orders of 3 lines, one
// transaction each, into the SQLite demo database and reports orders/s:
// with the connector's default synchronous=FULL (an fsync per commit) and
// with synchronous=NORMAL (WAL: a commit survives a crash of the process).
func BenchmarkSalesOrderSink_demo_database(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			dsn := "sqlite:" + demoDB(b) + "?_synchronous=" + sync
			conn := newConnWith(b, connOptions(b, dsn), componenttest.NewSettings(b, "connection/sage"))
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
		})
	}
}
