package spapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func newSettlementsSource(t *testing.T, set component.SourceSettings) {
	t.Helper()
	f := spapi.NewSettlementsFactory()
	cfg := componenttest.DecodeConfig(t, f, "{every: 1h, lookback: 720h}")
	src, err := componenttest.CreateSource(context.Background(), f, set, cfg)
	require.NoError(t, err)
	start(t, src)
}

func TestSettlements_simulator_reports_become_reconciled_messages(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "orders_per_hour: 30\nsettlement_period: 24h\nsettlement_locale_de: true\n", "")
	run(clock, e.sim, 10*time.Minute, 6*50) // fifty hours: two settlement periods
	want := 0
	for _, r := range e.sim.Reports() {
		if r.Type == spapi.SettlementReportType && r.Status == "DONE" {
			want++
		}
	}
	require.Positive(t, want)
	set := e.sourceSettings()
	newSettlementsSource(t, set)
	drive(t, clock, e.sim, time.Minute, 200, func() bool { return len(e.pub.Messages()) == want })
	assert.Zero(t, e.dead.Len())
	for _, m := range e.pub.Messages() {
		body := m.Body.(map[string]any)
		assert.Equal(t, body["settlement_id"], m.ID)
		assert.Equal(t, true, body["reconciled"], m.ID)
		assert.NotEmpty(t, body["rows"])
		assert.NotEmpty(t, m.Meta(spapi.MetaReportID))
	}

	// A later poll does not process the same reports again.
	run(clock, e.sim, 10*time.Minute, 7)
	assert.Len(t, e.pub.Messages(), want)
}

// reportCalls counts the calls a fakeReports server answered.
type reportCalls struct{ list, download atomic.Int32 }

// fakeReports serves LWA, getReports, getReportDocument and a gzip
// document with the given content.
func fakeReports(t *testing.T, document []byte) (*httptest.Server, *reportCalls) {
	var srv *httptest.Server
	calls := &reportCalls{}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/reports/2021-06-30/reports":
			defer calls.list.Add(1)
		case "/download/D1":
			defer calls.download.Add(1)
		}
		switch {
		case r.URL.Path == "/auth/o2/token":
			_, _ = io.WriteString(w, `{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}`)
		case r.URL.Path == "/reports/2021-06-30/reports":
			assert.Equal(t, spapi.SettlementReportType, r.URL.Query().Get("reportTypes"))
			fmt.Fprintf(w, `{"reports":[{"reportId":"R1","reportType":%q,"processingStatus":"DONE","createdTime":"2026-03-01T00:00:00Z","reportDocumentId":"D1"}]}`, spapi.SettlementReportType)
		case r.URL.Path == "/reports/2021-06-30/documents/D1":
			fmt.Fprintf(w, `{"reportDocumentId":"D1","url":"%s/download/D1","compressionAlgorithm":"GZIP"}`, srv.URL)
		case r.URL.Path == "/download/D1":
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write(document)
			_ = zw.Close()
			_, _ = w.Write(buf.Bytes())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

// newDirectConnection starts a connection to endpoint (no simulator).
func newDirectConnection(t *testing.T, endpoint string, clock component.Clock) *spapi.Connection {
	conn := startConnection(t, clock, fmt.Sprintf(`
endpoint: %s
lwa_endpoint: %s/auth/o2/token
credentials: {client_id: id, client_secret: secret, refresh_token: refresh}
seller_id: A1SELLER
marketplaces: [A2EUQ1WTGCTBG2]`, endpoint, endpoint))
	require.NoError(t, conn.Check(componenttest.Context(t)))
	return conn
}

func TestSettlements_report_that_does_not_reconcile_is_dead_lettered_with_its_line(t *testing.T) {
	doc, err := os.ReadFile("settlement/testdata/ca-flatfile-v1-50041020342.txt")
	require.NoError(t, err)
	broken := strings.Replace(string(doc), "\t60.00\t", "\t60,00\t", 1)
	srv, calls := fakeReports(t, []byte(broken))
	clock := componenttest.NewManualClock(epoch)
	pub, dead := &componenttest.Publisher{}, &componenttest.DeadLetters{}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "s/source"), Publisher: pub, HTTP: componenttest.NewMux(), DeadLetter: dead}
	set.Clock = clock
	set.Connection = newDirectConnection(t, srv.URL, clock)
	newSettlementsSource(t, set)
	require.Eventually(t, func() bool { return dead.Len() == 1 }, componenttest.WaitLimit, 5*time.Millisecond)
	assert.Empty(t, pub.Messages())
	assert.Equal(t, "24391894961", dead.Msgs[0].ID)
	assert.True(t, component.IsPermanent(dead.Reasons[0]))
	assert.Contains(t, dead.Reasons[0].Error(), "line 4: price-amount")
	assert.Contains(t, dead.Reasons[0].Error(), "line 2: total-amount: the rows sum to 2479.66 but total-amount is 2539.66")

	// Processed once: the next poll skips it. Two more polls run; the loop
	// polls one at a time, so once the third lists the reports the second
	// has finished.
	for polls := int32(2); polls <= 3; polls++ {
		require.Eventually(t, func() bool { return clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond, "the poller sleeps")
		clock.Advance(time.Hour)
		require.Eventually(t, func() bool { return calls.list.Load() == polls }, componenttest.WaitLimit, time.Millisecond, "poll %d", polls)
	}
	assert.Equal(t, 1, dead.Len())
	assert.EqualValues(t, 1, calls.download.Load(), "the report was downloaded once")
}
