package console_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

func bigOrder(id string, qty int) string {
	return fmt.Sprintf(`{"id":%q,"order":%q,"sku":"A","qty":%d,"buyer":{"name":"Gil Roe"}}`, id, id, qty)
}

// A reviewer in the browser: an order a guard held shows why and offers
// approve and reject instead of retries; one is approved (and reaches the
// ERP), the other rejected (and never does), each recorded with the
// reviewer's name.
func TestBrowser_reviewer_approves_and_rejects_held_orders(t *testing.T) {
	b := newBrowser(t)
	s := newShop(t, nil, bigOrder("113-7", 500), bigOrder("113-8", 900))
	s.start()
	s.openRecords(2)

	seq7 := seqOf(t, s, "113-7")
	b.open(s.url("/console/dead-letters/" + seq7))
	assert.Contains(t, b.text("#error"), "held for review by big-order: order 113-7: 500 units of A")
	assert.Contains(t, b.text("#review-actions"), "Held for review")
	b.shot("held-for-review")
	ok, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("document.querySelector('#retry') === null"))
	assert.True(t, ok, "a held message is approved or rejected, not retried")

	b.do(chromedp.SetValue(chromedp.CSS("#review-by-input"), "Ann Lee"), chromedp.SetValue(chromedp.CSS("#review-note"), "wholesale order, agreed"))
	b.click("#approve")
	b.waitText("#outcome", "Retry: ok")
	b.waitText("#status", "resolved")
	b.waitText("#review", "approved by Ann Lee")
	b.waitText("#resolution", "approved")
	b.shot("held-approved")
	assert.Equal(t, 1, s.erp.writes("113-7"))

	seq8 := seqOf(t, s, "113-8")
	b.open(s.url("/console/dead-letters/" + seq8))
	b.do(chromedp.SetValue(chromedp.CSS("#review-by-input"), "Ann Lee"), chromedp.SetValue(chromedp.CSS("#review-note"), "duplicate of 113-7"))
	b.click("#reject")
	b.waitText("#status", "resolved")
	b.waitText("#review", "rejected by Ann Lee")
	b.waitText("#resolution", "duplicate of 113-7")
	b.shot("held-rejected")
	assert.Zero(t, s.erp.writes("113-8"))
}
