package cli_test

import (
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

// windowStarts names, for the SP-API operations that a source calls with
// the start of the window it reads, that query parameter. Every call of
// one round of such a source carries the same start: its pages, and a
// round tried again (a refunds round waiting for its returns report, a
// publish that failed) read the same window again. A new round starts
// where the last one ended, so the distinct starts an Amazon sees count
// the rounds; an engine polling beside the owner shows as more of them.
var windowStarts = map[string]string{
	"searchOrders":        "lastUpdatedAfter",
	"listFinancialEvents": "PostedAfter",
}

// roundCounter stands between a world's engines and its Amazon (a reverse
// proxy) and records the distinct window starts of each operation of
// windowStarts.
type roundCounter struct {
	ops map[string]string // request path -> operation

	mu     sync.Mutex
	starts map[string]map[string]bool // operation -> window starts seen
}

// countRounds serves a roundCounter in front of the simulator at target
// and returns it with its URL, for SPAPI_ENDPOINT.
func countRounds(t *testing.T, target string) (*roundCounter, string) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	rc := &roundCounter{ops: map[string]string{}, starts: map[string]map[string]bool{}}
	for op := range windowStarts {
		rc.ops[models.MustLookupOperation(op).Path] = op
		rc.starts[op] = map[string]bool{}
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{ReadHeaderTimeout: time.Minute, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.record(r)
		proxy.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return rc, "http://" + ln.Addr().String()
}

func (rc *roundCounter) record(r *http.Request) {
	op, ok := rc.ops[r.URL.Path]
	if !ok || r.Method != http.MethodGet {
		return
	}
	if start := r.URL.Query().Get(windowStarts[op]); start != "" {
		rc.mu.Lock()
		rc.starts[op][start] = true
		rc.mu.Unlock()
	}
}

// Rounds returns how many distinct window starts each operation was
// called with so far.
func (rc *roundCounter) Rounds() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]int{}
	for op, starts := range rc.starts {
		out[op] = len(starts)
	}
	return out
}
