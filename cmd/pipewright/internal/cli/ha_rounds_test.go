package cli_test

import (
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
// simulator's call counts do not tell apart from their further pages: a
// round's first page is a call without a page token. (A refunds round
// whose returns report is not ready keeps the page it read and polls only
// getReport, so it reads its window once: connectors/spapi,
// source_refunds.go.)
type pollCounter struct {
	mu     sync.Mutex
	rounds map[string]int // operation -> rounds
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
				pc.mu.Lock()
				pc.rounds[op]++
				pc.mu.Unlock()
			}
			proxy.ServeHTTP(w, r)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{ReadHeaderTimeout: time.Minute, Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return pc, "http://" + ln.Addr().String()
}

// Rounds returns the rounds of the operations of pageTokens so far.
func (pc *pollCounter) Rounds() map[string]int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return maps.Clone(pc.rounds)
}
