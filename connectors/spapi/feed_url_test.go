package spapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// An upload URL that the document store refuses (Amazon's pre-signed URLs
// live 5 minutes; a busy engine may reach it late) is replaced by a new
// feed document: the feed is submitted, nothing is dead-lettered for it.
func TestFeed_asks_for_a_new_document_when_its_upload_URL_is_refused(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	target, err := url.Parse(e.sim.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var refused atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && refused.CompareAndSwap(0, 1) {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	e.conn = startConnection(t, clock, "retry: {max_attempts: 3, backoff: 1s, max_backoff: 4s}\n"+
		strings.ReplaceAll(onSimulator(e.sim), e.sim.URL(), front.URL))

	set := e.sinkSettings()
	sink := newFeedSink(t, set)
	t.Cleanup(func() { _ = sink.Shutdown(context.Background()) })
	require.NoError(t, sink.Write(componenttest.Context(t), feedMessages()[:1]))

	drive(t, clock, e.sim, 10*time.Second, 200, func() bool {
		feeds := e.sim.Feeds()
		return len(feeds) == 1 && feeds[0].Status == "DONE" && len(stateKeys(t, set.State, "feed/")) == 0
	})
	assert.Equal(t, int32(1), refused.Load(), "the first upload was refused")
	assert.Zero(t, e.dead.Len(), "a refused URL is no reason to dead-letter")
}
