package cli_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// pageTokens names, for the SP-API operations that a source calls once per
// round and then once per further page, the query parameter of a further
// page: a round's first call has none. How many pages a round reads
// depends on the world's data, not on how many engines poll.
var pageTokens = map[string]string{
	"searchOrders":        "paginationToken",
	"listFinancialEvents": "NextToken",
}

// pollCounter stands between a world's engines and its Amazon (a reverse
// proxy) and counts the rounds of the operations of pageTokens, which the
// simulator's call counts do not tell apart from their other calls: a
// round's first page is a call without a page token, and a refunds round
// whose events refund units waits for its returns report and, each time
// getReport answers that it is not ready, reads its window again
// (connectors/spapi, refunds_returns.go): the first-page call of
// listFinancialEvents that follows such an answer is that round again,
// however many engines poll.
type pollCounter struct {
	mu      sync.Mutex
	rounds  map[string]int // operation -> rounds
	rereads int            // not-ready answers not yet followed by a listFinancialEvents call
}

// countPolls serves a pollCounter in front of the simulator at target and
// returns it with its URL, for SPAPI_ENDPOINT.
func countPolls(t *testing.T, target string) (*pollCounter, string) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	pc := &pollCounter{rounds: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	mux := http.NewServeMux()
	mux.Handle("/", proxy)
	for op, token := range pageTokens {
		o := models.MustLookupOperation(op)
		mux.HandleFunc(o.Method+" "+o.Path, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get(token) == "" {
				pc.firstPage(op)
			}
			proxy.ServeHTTP(w, r)
		})
	}
	get := models.MustLookupOperation("getReport")
	mux.HandleFunc(get.Method+" "+get.Path, func(w http.ResponseWriter, r *http.Request) {
		tw := &teeWriter{ResponseWriter: w}
		proxy.ServeHTTP(tw, r)
		var rep struct {
			ProcessingStatus string `json:"processingStatus"`
		}
		if json.Unmarshal(tw.body.Bytes(), &rep) == nil && (rep.ProcessingStatus == "IN_QUEUE" || rep.ProcessingStatus == "IN_PROGRESS") {
			pc.mu.Lock()
			pc.rereads++
			pc.mu.Unlock()
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{ReadHeaderTimeout: time.Minute, Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return pc, "http://" + ln.Addr().String()
}

// firstPage counts a call of op without a page token: a round, unless it
// reads a refunds window again after a not-ready returns report.
func (pc *pollCounter) firstPage(op string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if op == "listFinancialEvents" && pc.rereads > 0 {
		pc.rereads--
		return
	}
	pc.rounds[op]++
}

// Rounds returns the rounds of the operations of pageTokens so far.
func (pc *pollCounter) Rounds() map[string]int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return maps.Clone(pc.rounds)
}

// teeWriter keeps a copy of the body it writes.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets the proxy flush through to the connection.
func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
