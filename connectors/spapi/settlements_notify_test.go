package spapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const getReportsOp = "getReports"

// settlementReports counts the simulator's DONE settlement reports.
func settlementReports(sim *simulator.Server) int {
	n := 0
	for _, r := range sim.Reports() {
		if r.Type == spapi.SettlementReportType && r.Status == "DONE" {
			n++
		}
	}
	return n
}

// The same fifty simulated hours (two settlement periods of every
// marketplace) with and without REPORT_PROCESSING_FINISHED notifications:
// both journal every settlement once, but with notifications getReports is
// only the six-hourly safety net, against one call an hour when polling
// alone.
func TestSettlements_start_from_report_notifications_and_poll_less(t *testing.T) {
	const horizon = 50 * time.Hour
	runFor := func(t *testing.T, options, source string) *env {
		clock := componenttest.NewManualClock(epoch)
		e := newEnv(t, clock, "orders_per_hour: 30\nsettlement_period: 24h\n"+options, "")
		f := spapi.NewSettlementsFactory()
		src, err := componenttest.CreateSource(context.Background(), f, e.sourceSettings(), componenttest.DecodeConfig(t, f, source))
		require.NoError(t, err)
		start(t, src)
		run(clock, e.sim, 10*time.Minute, int(horizon/(10*time.Minute)))
		want := settlementReports(e.sim)
		require.Positive(t, want)
		drive(t, clock, e.sim, time.Minute, 0, func() bool { return len(e.pub.Messages()) == want })
		assert.Zero(t, e.dead.Len())
		return e
	}
	polled := runFor(t, "", "{lookback: 720h}")
	notified := runFor(t,
		"notify: {types: {REPORT_PROCESSING_FINISHED: /hooks/reports}, "+pushToken+"}\n",
		"{lookback: 720h, notifications: {path: /hooks/reports, auth: {header: X-Hook-Token, token: s3cret}}}")

	for _, m := range notified.pub.Messages() {
		assert.Equal(t, true, m.Body.(map[string]any)["reconciled"], m.ID)
	}
	for _, n := range notified.sim.NotificationsOfType(models.ReportProcessingFinished) {
		assert.True(t, n.Delivered, n.ID)
	}
	withNotes, alone := notified.sim.Stats().Calls[getReportsOp], polled.sim.Stats().Calls[getReportsOp]
	assert.LessOrEqual(t, withNotes, int(horizon/(6*time.Hour))+2, "a poll every 6h at most")
	assert.Greater(t, alone, withNotes, "polling alone calls getReports more often")
	t.Logf("getReports over %s: %d polling alone, %d with notifications", horizon, alone, withNotes)
}

// With polling pushed far out, the settlements of a period reach the
// pipeline through their notifications alone: the first poll (at start)
// is the only getReports call. With marketplaces, getReport tells each
// report's marketplace (the notification does not) and only those
// configured are journaled.
func TestSettlements_notified_report_is_journaled_without_a_poll(t *testing.T) {
	tests := []struct {
		name, option string
		markets      []string
		getReport    bool
	}{
		{"every marketplace", "", nil, false},
		{"one marketplace", "marketplaces: [ATVPDKIKX0DER], ", []string{"ATVPDKIKX0DER"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := componenttest.NewManualClock(epoch)
			e := newEnv(t, clock, "orders_per_hour: 30\nsettlement_period: 24h\nnotify: {types: {REPORT_PROCESSING_FINISHED: /hooks/reports}, "+pushToken+"}\n", "")
			f := spapi.NewSettlementsFactory()
			set := e.sourceSettings()
			src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f,
				"{"+tt.option+"every: 1000h, lookback: 720h, notifications: {path: /hooks/reports, auth: {header: X-Hook-Token, token: s3cret}}}"))
			require.NoError(t, err)
			start(t, src)
			want := func() int {
				n := 0
				for _, r := range e.sim.Reports() {
					if r.Type == spapi.SettlementReportType && (tt.markets == nil || slices.Contains(tt.markets, r.MarketplaceIDs[0])) {
						n++
					}
				}
				return n
			}
			drive(t, clock, e.sim, 10*time.Minute, 6*25, func() bool {
				return want() > 0 && len(e.pub.Messages()) == want() && len(stateKeys(t, set.State, "notified/")) == 0
			})
			for _, m := range e.pub.Messages() {
				assert.Equal(t, "notification", m.Meta(spapi.MetaVia), m.ID)
				assert.NotEmpty(t, m.Meta(spapi.MetaReportDocument), m.ID)
			}
			assert.Equal(t, 1, e.sim.Stats().Calls[getReportsOp])
			assert.Equal(t, tt.getReport, e.sim.Stats().Calls["getReport"] > 0)
			if tt.markets != nil {
				assert.Less(t, want(), settlementReports(e.sim), "other marketplaces' settlements are left out")
			}
			assert.Zero(t, e.dead.Len())
		})
	}
}

// A settlement report is journaled once whichever path sees it first: a
// notification for a report the poll processed, a repeated notification,
// and another report type are answered 2xx and publish nothing more.
func TestSettlements_notification_of_a_processed_report_publishes_nothing(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "orders_per_hour: 30\nsettlement_period: 24h\n", "")
	run(clock, e.sim, 10*time.Minute, 6*26)
	want := settlementReports(e.sim)
	require.Positive(t, want)
	f := spapi.NewSettlementsFactory()
	src, err := componenttest.CreateSource(context.Background(), f, e.sourceSettings(),
		componenttest.DecodeConfig(t, f, "{lookback: 720h, notifications: {path: /hooks/reports, auth: {header: X-Hook-Token, token: s3cret}}}"))
	require.NoError(t, err)
	start(t, src)
	drive(t, clock, e.sim, time.Minute, 10, func() bool { return len(e.pub.Messages()) == want })
	assert.Equal(t, "poll", e.pub.Messages()[0].Meta(spapi.MetaVia))
	downloads := e.sim.Stats().Calls["getReportDocument"]

	r := e.sim.Reports()[len(e.sim.Reports())-1]
	for i, body := range []string{
		reportNote("n1", r.ID, spapi.SettlementReportType, "DONE", r.DocumentID),
		reportNote("n1", r.ID, spapi.SettlementReportType, "DONE", r.DocumentID),
		reportNote("n2", "999", "GET_FLAT_FILE_OPEN_LISTINGS_DATA", "DONE", "D9"),
		reportNote("n3", "998", spapi.SettlementReportType, "CANCELLED", ""),
	} {
		req, err := http.NewRequest(http.MethodPost, e.hooks.URL+"/hooks/reports", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Hook-Token", "s3cret")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusAccepted, resp.StatusCode, "notification %d", i)
	}
	run(clock, e.sim, time.Minute, 10)
	assert.Len(t, e.pub.Messages(), want)
	assert.Equal(t, downloads, e.sim.Stats().Calls["getReportDocument"], "nothing downloaded again")
}

// reportNote is a REPORT_PROCESSING_FINISHED notification.
func reportNote(id, reportID, reportType, status, doc string) string {
	payload := map[string]string{"sellerId": "A1", "accountId": "amzn1.merchant.o.A1", "reportId": reportID,
		"reportType": reportType, "processingStatus": status}
	if doc != "" {
		payload["reportDocumentId"] = doc
	}
	data, _ := json.Marshal(map[string]any{
		"notificationVersion": "2020-09-04", "notificationType": "REPORT_PROCESSING_FINISHED", "payloadVersion": "2020-09-04",
		"eventTime": epoch.Format(time.RFC3339), "payload": map[string]any{"reportProcessingFinishedNotification": payload},
		"notificationMetadata": map[string]string{"applicationId": "app", "subscriptionId": "sub", "publishTime": epoch.Format(time.RFC3339), "notificationId": id},
	})
	return string(data)
}

// REPORT_PROCESSING_FINISHED reaches the settlements source through its
// SQS queue (Amazon delivers the type only to SQS): every settlement of
// the period is journaled by notification, getReports runs only at start,
// and each message is deleted once the report is recorded.
func TestSettlements_notifications_arrive_through_an_sqs_queue(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "orders_per_hour: 30\nsettlement_period: 24h\n", "")
	q := newQueue(t, clock)
	e.conn = startConnection(t, clock, "retry: {max_attempts: 3, backoff: 1s, max_backoff: 4s}\n"+onSimulator(e.sim)+q.access())
	f := spapi.NewSettlementsFactory()
	set := e.sourceSettings()
	src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f,
		"{every: 1000h, lookback: 720h, notifications: {sqs: {queue_url: '"+q.url+"', visibility_timeout: 10s}}}"))
	require.NoError(t, err)
	start(t, src)
	relayed := map[string]bool{} // Amazon's delivery to the queue
	drive(t, clock, e.sim, 10*time.Minute, 6*25, func() bool {
		for _, n := range e.sim.NotificationsOfType(models.ReportProcessingFinished) {
			if !relayed[n.ID] {
				relayed[n.ID] = true
				q.send(t, n.Body)
			}
		}
		want := settlementReports(e.sim)
		return want > 0 && len(e.pub.Messages()) == want && q.empty()
	})
	for _, m := range e.pub.Messages() {
		assert.Equal(t, "notification", m.Meta(spapi.MetaVia), m.ID)
	}
	assert.Equal(t, 1, e.sim.Stats().Calls[getReportsOp], "the poll at start only")
	assert.Zero(t, e.dead.Len())
}
