package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/service"
)

// An operator's loop in the browser: the overview shows a failing flow,
// its page the open reason group; one dead letter is edited and retried
// (after the editor refused invalid JSON), another resolved with a note;
// after a table fix the rest of the group is replayed in bulk. Then the
// ERP locks up and the overview shows the connection degraded with its
// error.
func TestBrowser_operator_fixes_and_replays_dead_letters(t *testing.T) {
	b := newBrowser(t)
	s := newShop(t, nil,
		order("113-1", "A", "Ann Lee"), order("113-2", "B", "Bob Ray"), order("113-3", "B", "Cy Tan"),
		order("113-4", "C", "Di Fox"), order("113-5", "X", "Ed Moe"), order("113-6", "Z", "Flo Kim"))
	s.start()
	s.openRecords(5)

	b.open(s.url("/"))
	b.waitText("#flows", "5 open")
	b.waitText(`#flows td.owner[data-flow="orders"]`, "this engine")
	b.waitText("#instance", s.engine.Instance())
	b.shot("overview")

	b.click(`#flows a[href="/console/flows/orders"]`)
	b.waitText("section.group .count", "5")
	assert.Contains(t, b.text("section.group .reason"), "unknown SKU {} in order {}: add it to tables/skus.csv")
	b.shot("flow-open-group")

	// Edit and retry 113-5: the editor refuses invalid JSON, then sends the fix.
	seq5 := seqOf(t, s, "113-5")
	b.open(s.url("/console/dead-letters/" + seq5))
	assert.Contains(t, b.text("#error"), "unknown SKU X in order 113-5")
	assert.Contains(t, b.text("#input"), `"buyer"`)
	b.do(chromedp.SetValue(chromedp.CSS("#body"), `{"id": "113-5", "order": "113-5",`))
	b.click("#edit-retry")
	b.waitText("#json-status", "Not valid JSON")
	assert.Equal(t, s.url("/console/dead-letters/"+seq5), b.location(), "nothing was sent")
	b.shot("edit-invalid-json")
	b.do(chromedp.SetValue(chromedp.CSS("#body"), `{"id": "113-5", "order": "113-5", "sku": "X", "buyer": {"name": "Ed Moe"}, "item": "ITEM-X"}`))
	b.click("#edit-retry")
	b.waitText("#outcome", "Retry: ok")
	b.waitText("#status", "resolved")
	b.shot("edit-retried")
	assert.Equal(t, 1, s.erp.writes("113-5"))

	// Resolve 113-6 with a note.
	seq6 := seqOf(t, s, "113-6")
	b.open(s.url("/console/dead-letters/" + seq6))
	b.do(chromedp.SetValue(chromedp.CSS("#note-input"), "SKU Z retired; buyer refunded"))
	b.click("#resolve")
	b.waitText("#resolution", "SKU Z retired; buyer refunded")
	b.shot("resolved-with-note")
	assert.Zero(t, s.erp.writes("113-6"))

	// Fix the table (the engine reloads it) and replay the rest of the
	// group in bulk.
	require.NoError(t, os.WriteFile(filepath.Join(s.dir, "tables", "skus.csv"), []byte("sku,item\nA,ITEM-A\nB,ITEM-B\nC,ITEM-C\n"), 0o644))
	res := s.engine.Reload(t.Context(), "test")
	require.Equal(t, service.ReloadApplied, res.Status, "%+v", res)
	b.open(s.url("/console/flows/orders"))
	b.waitText("section.group .count", "3")
	b.click("section.group a.button")
	b.waitText("#selected-count", "3")
	b.shot("bulk-selection")
	b.click("#bulk-replay")
	b.waitText("#job-state", "done")
	assert.Equal(t, "3", b.text("#job-ok"))
	assert.Equal(t, "0", b.text("#job-failed"))
	b.shot("bulk-done")
	for _, id := range []string{"113-2", "113-3", "113-4"} {
		assert.Equal(t, 1, s.erp.writes(id), id)
	}
	s.openRecords(0)

	// Find the edited order: its dead letter, the retry, the delivery.
	require.NoError(t, s.engine.FlushActivity(t.Context()))
	b.open(s.url("/console/find?key=113-5"))
	b.waitText(`section[data-flow="orders"]`, "resolved: replayed")
	assert.Contains(t, b.text(`section[data-flow="orders"]`), "delivered to main: erp (erp)")
	b.shot("find-order")

	// The ERP locks up: the overview shows the connection degraded and why.
	s.erp.setDown(true)
	s.addOrders("2.jsonl", order("113-7", "A", "Gus Orr"))
	row := `#connections tr[data-connection="erp"]`
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		b.open(s.url("/console/"))
		if strings.Contains(b.text(row), "degraded") {
			break
		}
		require.True(t, time.Now().Before(deadline), "the connection shows degraded: %s", b.text(row))
	}
	assert.Contains(t, b.text(row), "database is locked")
	b.shot("connection-degraded")
	s.erp.setDown(false)
	eventuallyWrites(t, s, "113-7")
}

// seqOf returns the open dead letter of an order.
func seqOf(t *testing.T, s *shop, orderID string) string {
	t.Helper()
	for _, r := range s.openRecords(len(mustOpen(t, s))) {
		if r.Key == orderID {
			return itoa(r.Seq)
		}
	}
	t.Fatalf("no open dead letter for %s", orderID)
	return ""
}

func eventuallyWrites(t *testing.T, s *shop, orderID string) {
	eventually(t, orderID+" delivered", func() bool { return s.erp.writes(orderID) == 1 })
}
