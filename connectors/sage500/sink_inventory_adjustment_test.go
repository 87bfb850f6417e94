package sage500_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
)

func adjustmentMsg(t testing.TB, id, body string) *component.Message {
	return component.NewMessage(id, jsonBody(t, body))
}

func TestInventoryAdjustmentSink_sets_the_on_hand_quantity_once_whatever_the_deliveries(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		conn := newConn(t, tg)
		sink := newSink(t, sage500.NewInventoryAdjustmentFactory(), conn, "")
		onHand := func() int64 {
			return queryInt(t, conn.DB(), `SELECT CAST(b.QtyOnHand AS INT) FROM timWhseBinInvt b JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey
JOIN timWarehouse w ON w.WhseKey = wb.WhseKey JOIN timItem i ON i.ItemKey = b.ItemKey
WHERE w.WhseID = 'MAIN' AND wb.DfltBin = 1 AND i.ItemID = 'WB-0001-BK'`)
		}
		for _, want := range []int64{7, 7, 0, 12} {
			body := `{"WhseID": "MAIN", "ItemID": "WB-0001-BK", "QtyOnHand": ` + map[int64]string{7: "7", 0: "0", 12: "12.0"}[want] + `}`
			require.NoError(t, writeOne(t, sink, adjustmentMsg(t, "a", body)))
			assert.Equal(t, want, onHand())
		}
	})
}

func TestInventoryAdjustmentSink_ignores_a_reading_older_than_the_one_it_applied(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		conn := newConn(t, tg)
		sink := newSink(t, sage500.NewInventoryAdjustmentFactory(), conn, "")
		onHand := func() int64 {
			return queryInt(t, conn.DB(), `SELECT CAST(b.QtyOnHand AS INT) FROM timWhseBinInvt b JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey
JOIN timWarehouse w ON w.WhseKey = wb.WhseKey JOIN timItem i ON i.ItemKey = b.ItemKey
WHERE w.WhseID = 'MAIN' AND wb.DfltBin = 1 AND i.ItemID = 'WB-0001-BK'`)
		}
		steps := []struct {
			qty, asOf string
			want      int64
		}{
			{"9", "2026-03-02T10:00:05Z", 9},
			{"4", "2026-03-02T10:00:01.500Z", 9},  // older: written late, ignored
			{"8", "2026-03-02T10:00:05Z", 8},      // as old as the last: applied
			{"3", "2026-03-02T05:00:06-05:00", 3}, // newer, in another zone
			{"6", "", 6},                          // no AsOf: always applied
			{"2", "2026-03-02T10:00:00Z", 6},      // still older than the last AsOf
		}
		for i, st := range steps {
			body := `{"WhseID": "MAIN", "ItemID": "WB-0001-BK", "QtyOnHand": ` + st.qty
			if st.asOf != "" {
				body += `, "AsOf": "` + st.asOf + `"`
			}
			require.NoError(t, writeOne(t, sink, adjustmentMsg(t, fmt.Sprint(i), body+"}")))
			assert.Equal(t, st.want, onHand(), "step %d: %s as of %s", i, st.qty, st.asOf)
		}
	})
}

func TestInventoryAdjustmentSink_writes_the_first_stock_row_of_an_item_in_a_bin(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		conn := newConn(t, tg)
		db := conn.DB()
		_, err := db.Exec(`DELETE FROM timWhseBinInvt WHERE ItemKey = (SELECT ItemKey FROM timItem WHERE ItemID = 'PC-0007-CL')`)
		require.NoError(t, err)
		sink := newSink(t, sage500.NewInventoryAdjustmentFactory(), conn, "")
		require.NoError(t, writeOne(t, sink, adjustmentMsg(t, "a", `{"WhseID": "EAST", "ItemID": "PC-0007-CL", "QtyOnHand": 0}`)))
		assert.Equal(t, int64(0), queryInt(t, db, `SELECT COUNT(*) FROM timWhseBinInvt WHERE ItemKey = (SELECT ItemKey FROM timItem WHERE ItemID = 'PC-0007-CL')`), "nothing to hold")
		require.NoError(t, writeOne(t, sink, adjustmentMsg(t, "b", `{"WhseID": "EAST", "ItemID": "PC-0007-CL", "QtyOnHand": 5}`)))
		assert.Equal(t, int64(5), queryInt(t, db, `SELECT CAST(SUM(QtyOnHand) AS INT) FROM timWhseBinInvt WHERE ItemKey = (SELECT ItemKey FROM timItem WHERE ItemID = 'PC-0007-CL')`))
	})
}

func TestInventoryAdjustmentSink_rejects_documents_it_cannot_apply_naming_why(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown warehouse", `{"WhseID": "NOWHSE", "ItemID": "WB-0001-BK", "QtyOnHand": 1}`, `adjustment.WhseID: unknown warehouse "NOWHSE"`},
		{"unknown item", `{"WhseID": "MAIN", "ItemID": "NO-SUCH", "QtyOnHand": 1}`, `adjustment.ItemID: unknown item "NO-SUCH"`},
		{"negative", `{"WhseID": "MAIN", "ItemID": "WB-0001-BK", "QtyOnHand": -1}`, "QtyOnHand: want a quantity of 0 or more"},
		{"no quantity", `{"WhseID": "MAIN", "ItemID": "WB-0001-BK"}`, "QtyOnHand is required"},
		{"bad as-of", `{"WhseID": "MAIN", "ItemID": "WB-0001-BK", "QtyOnHand": 1, "AsOf": "yesterday"}`, "AsOf: want an RFC 3339 time"},
		{"unknown field", `{"WhseID": "MAIN", "ItemID": "WB-0001-BK", "QtyOnHand": 1, "Bin": "A"}`, "Bin"},
	}
	conn := newConn(t, sqliteTarget(t))
	sink := newSink(t, sage500.NewInventoryAdjustmentFactory(), conn, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeOne(t, sink, adjustmentMsg(t, "m", tt.body))
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err))
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
