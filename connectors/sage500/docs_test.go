package sage500_test

import (
	"context"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const docPath = "../../docs/sage500.md"

var fence = regexp.MustCompile("(?s)```\\w+ ([\\w-]+)\n(.*?)```")

// docBlocks returns the tagged code blocks of docs/sage500.md by tag.
func docBlocks(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(docPath)
	require.NoError(t, err)
	out := map[string]string{}
	for _, m := range fence.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// optionsOf returns the options under path (e.g. "sink", "sage500.journal")
// of a YAML example, without the engine's keys, as YAML.
func optionsOf(t *testing.T, text string, path ...string) string {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(text), &v))
	for _, p := range path {
		v = v.(map[string]any)[p]
	}
	m := v.(map[string]any)
	delete(m, "connection")
	delete(m, "type")
	out, err := yaml.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

func TestDocs_examples_run(t *testing.T) {
	blocks := docBlocks(t)
	ctx := context.Background()
	connOpts := optionsOf(t, blocks["sage500-connection"], "connections", "sage")
	connOpts = regexp.MustCompile(`(?m)^dsn: .*$`).ReplaceAllString(connOpts, "dsn: sqlite:"+demoDB(t))
	conn := newConnWith(t, connOpts, componenttest.NewSettings(t, "connection/sage"))
	connCfg := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOpts)

	t.Run("sales order", func(t *testing.T) {
		sink := newSink(t, sage500.NewSalesOrderFactory(), conn, optionsOf(t, blocks["sales-order-sink"], "sink", "sage500.sales_order"))
		require.NoError(t, writeOne(t, sink, component.NewMessage("doc", jsonBody(t, blocks["sales-order-document"]))))
		assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`))
	})
	t.Run("journal", func(t *testing.T) {
		sink := newSink(t, sage500.NewJournalFactory(), conn, optionsOf(t, blocks["journal-sink"], "sink", "sage500.journal"))
		require.NoError(t, writeOne(t, sink, component.NewMessage("doc", jsonBody(t, blocks["journal-document"]))))
	})
	t.Run("exec", func(t *testing.T) {
		cfg := componenttest.DecodeConfig(t, sage500.NewExecFactory(), optionsOf(t, blocks["exec-sink"], "sink", "sage500.exec"))
		assert.NoError(t, cfg.(component.ConnectionValidator).ValidateConnection(connCfg))
	})
	t.Run("lookup", func(t *testing.T) {
		var v struct {
			Steps []struct {
				Lookup struct {
					Query  string            `yaml:"query"`
					Params map[string]string `yaml:"params"`
				} `yaml:"lookup"`
			} `yaml:"steps"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(blocks["lookup-step"]), &v))
		l := v.Steps[0].Lookup
		assert.NoError(t, connCfg.(*sage500.ConnectionConfig).ValidateLookup(l.Query, slices.Sorted(maps.Keys(l.Params))))
		got, err := conn.Lookup(ctx, l.Query, map[string]any{"marketplace": "ATVPDKIKX0DER"})
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"CustID": "AMZUS", "CurrID": "USD", "WhseID": "MAIN"}, got)
	})
	t.Run("query source output", func(t *testing.T) {
		shipAll(t, conn, sage500demo.ShipOptions{Now: time.Now().Add(time.Hour)})
		rig := newSource(t, conn, optionsOf(t, blocks["query-source"], "source", "sage500.query"), componenttest.NewMemState())
		rig.poll(t)
		require.NotEmpty(t, rig.pub.Messages())
		got := rig.pub.Messages()[0].Body.(map[string]any)
		want := jsonBody(t, blocks["query-output"]).(map[string]any)
		assert.ElementsMatch(t, keysOf(want), keysOf(got))
		assert.ElementsMatch(t, keysOf(want["lines"].([]any)[0].(map[string]any)), keysOf(got["lines"].([]any)[0].(map[string]any)))
	})
	t.Run("inventory adjustment", func(t *testing.T) {
		sink := newSink(t, sage500.NewInventoryAdjustmentFactory(), conn, optionsOf(t, blocks["inventory-adjustment-sink"], "sink", "sage500.inventory_adjustment"))
		require.NoError(t, writeOne(t, sink, component.NewMessage("doc", jsonBody(t, blocks["inventory-adjustment-document"]))))
		assert.Equal(t, int64(42), queryInt(t, conn.DB(), `SELECT CAST(b.QtyOnHand AS INT) FROM timWhseBinInvt b JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey
JOIN timWarehouse w ON w.WhseKey = wb.WhseKey JOIN timItem i ON i.ItemKey = b.ItemKey WHERE w.WhseID = 'EAST' AND wb.DfltBin = 1 AND i.ItemID = 'WB-0001-BK'`))
	})
	t.Run("customer return", func(t *testing.T) { // of the shipped sales-order example
		sink := newSink(t, sage500.NewCustomerReturnFactory(), conn, optionsOf(t, blocks["customer-return-sink"], "sink", "sage500.customer_return"))
		require.NoError(t, writeOne(t, sink, component.NewMessage("doc", jsonBody(t, blocks["customer-return-document"]))))
		assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 811`))
	})
	t.Run("shipment", func(t *testing.T) { // of a second, open copy of the sales-order example
		orders := newSink(t, sage500.NewSalesOrderFactory(), conn, optionsOf(t, blocks["sales-order-sink"], "sink", "sage500.sales_order"))
		second := jsonBody(t, strings.ReplaceAll(blocks["sales-order-document"], "112-3456789-0123456", "112-3456789-0000002"))
		require.NoError(t, writeOne(t, orders, component.NewMessage("doc2", second)))
		sink := newSink(t, sage500.NewShipmentFactory(), conn, optionsOf(t, blocks["shipment-sink"], "sink", "sage500.shipment"))
		require.NoError(t, writeOne(t, sink, component.NewMessage("doc", jsonBody(t, blocks["shipment-document"]))))
		assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 810 AND ShipTrackNo = '1ZMCF0050000000124'`))
	})
}

func TestDocs_list_every_document_field(t *testing.T) {
	b, err := os.ReadFile(docPath)
	require.NoError(t, err)
	doc := string(b)
	for _, f := range sage500.DocumentFields() {
		assert.True(t, strings.Contains(doc, "`"+f+"`") || strings.Contains(doc, "`"+strings.TrimRight(f, "12345")), "docs/sage500.md names %s", f)
	}
}

func keysOf(m map[string]any) []string { return slices.Collect(maps.Keys(m)) }
