package cli_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/console"
	"github.com/pipewright/pipewright/engine/service"
)

// An operator looks up an Amazon order in the console and sees, on one
// page, what every flow did with it: the order dead-lettered (its item was
// inactive in Sage), replayed once the item was activated, delivered as a
// Sage sales order, and its shipment confirmed to Amazon.
func TestReference_find_an_order_by_its_amazon_order_id(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	w := newWorld(t, 150, simulator.Faults{})
	w.addons = []service.Addon{console.New()}
	_, err := w.db().Exec(`UPDATE timItem SET Status = 0 WHERE ItemID = 'PC-0007-CL'`)
	require.NoError(t, err)
	w.start()
	ctx := context.Background()

	// A merchant-fulfilled order dead-lettered for the inactive item.
	var rec *service.DeadLetter
	deadline := time.Now().Add(3 * time.Minute)
	for rec == nil {
		recs, err := w.engine.Admin().List(ctx, service.DeadLetterFilter{Status: service.StatusOpen, Pipeline: "orders", ErrorContains: "PC-0007-CL"})
		require.NoError(t, err)
		for _, r := range recs {
			full, err := w.engine.Admin().Get(ctx, r.Seq)
			require.NoError(t, err)
			if !strings.Contains(string(full.Original), `"fulfilledBy":"AMAZON"`) {
				rec = full
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "a merchant-fulfilled order dead-lettered for PC-0007-CL")
		w.runFor(5 * time.Minute)
	}
	orderID := rec.Key

	// The item is activated in Sage; the replay delivers the order.
	_, err = w.db().Exec(`UPDATE timItem SET Status = 1 WHERE ItemID = 'PC-0007-CL'`)
	require.NoError(t, err)
	o, err := w.engine.Admin().ReplayAndWait(ctx, rec.Seq, service.ReplayRequest{}, 2*time.Minute)
	require.NoError(t, err)
	require.Equal(t, service.ReplayOK, o.Status, o.Error)

	// The demo warehouse ships it; the shipments flow confirms it.
	deadline = time.Now().Add(3 * time.Minute)
	for len(w.sim.Confirmations(orderID)) == 0 {
		require.True(t, time.Now().Before(deadline), "order %s confirmed to Amazon", orderID)
		w.runFor(time.Minute)
	}
	// The simulator counts the confirmation when the call arrives; the
	// engine notes the delivery once the call returned: wait for the page.
	var page string
	componenttest.WaitFor(t, "the Find page shows the shipment confirmation", func() bool {
		require.NoError(t, w.engine.FlushActivity(ctx))
		page = findPage(t, w, orderID)
		return strings.Contains(page, "delivered</span> to main: spapi.call (amazon)")
	})

	orders, shipments := section(t, page, "orders"), section(t, page, "shipments")
	assert.Contains(t, orders, "as order", "found as the orders flow's order")
	assert.Contains(t, orders, "dead letter</span> <a href=\"/console/dead-letters/"+strconv.FormatUint(rec.Seq, 10)+"\">", "the dead letter")
	assert.Regexp(t, `replay</span> of <a href="/console/dead-letters/`+strconv.FormatUint(rec.Seq, 10)+`">\d+</a>: <b>ok</b>`, orders, "its replay")
	assert.Contains(t, orders, "delivered</span> to merchant: sage500.sales_order (sage)", "the sales order")
	assert.Contains(t, orders, "resolved: replayed", "the dead letter resolved by the replay")
	assert.Contains(t, shipments, "delivered</span> to main: spapi.call (amazon)", "the shipment confirmation")
	assert.Contains(t, shipments, "as order")
}

// findPage returns the console's Find page for key.
func findPage(t *testing.T, w *world, key string) string {
	t.Helper()
	resp, err := http.Get("http://" + w.engine.Addr() + "/console/find?key=" + key)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return string(body)
}

// section returns the Find page's part about one flow.
func section(t *testing.T, page, flow string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<section class="card key-flow" data-flow="` + flow + `">.*?</section>`).FindString(page)
	require.NotEmpty(t, m, "the page shows flow %s:\n%s", flow, page)
	return m
}
