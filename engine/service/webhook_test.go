package service_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// A webhook request is in the stream before it is answered; a refused
// request leaves the stream unchanged.
func TestEngine_webhook_publishes_before_answering(t *testing.T) {
	dir := writeDir(t, `
-- pipewright.yaml --
project: hooks
connections:
  erp: { type: target }
-- hooks.yaml --
pipeline: hooks
source:
  test.hook:
    path: /hooks/orders
    token: "${env:HOOK_TOKEN}"
    id: msg.id
sink: { target: { connection: erp } }
`)
	tg := newTarget()
	tg.setDown(true) // nothing leaves the stream: what was published stays countable
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"HOOK_TOKEN": "tok-abcdef"})
	url := "http://" + e.Addr() + "/hooks/orders"
	post := func(token, body string) int {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-Hook-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnauthorized, post("wrong", `{"id":"a"}`))
	assert.Equal(t, http.StatusUnauthorized, post("", `{"id":"a"}`))
	assert.Equal(t, http.StatusBadRequest, post("tok-abcdef", `{"id":`))
	assert.Equal(t, 0.0, counter(t, e, "pipewright_messages_in_total"), "refused requests publish nothing")

	assert.Equal(t, http.StatusAccepted, post("tok-abcdef", `{"id":"a"}`))
	assert.Equal(t, 1.0, counter(t, e, "pipewright_messages_in_total"), "published before the 202")
	assert.Equal(t, http.StatusAccepted, post("tok-abcdef", `{"id":"a"}`), "a repeat is accepted ...")
	assert.Equal(t, 1.0, counter(t, e, "pipewright_messages_in_total"), "a repeat is not counted in")
	assert.Equal(t, 1.0, counter(t, e, "pipewright_messages_duplicate_total"), "a repeat is counted as a duplicate")
	tg.setDown(false)
	componenttest.WaitFor(t, "delivery", func() bool { d, _ := tg.count(); return d == 1 })
	// Whatever the stream held has been handled once nothing waits in it
	// and nothing is in flight.
	componenttest.WaitFor(t, "an empty stream", func() bool { return gauge(t, e, "pipewright_stream_backlog") == 0 })
	_, total := tg.count()
	assert.Equal(t, 1, total, "... and stored once (same message id)")
}
