package httppoll_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/httppoll"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

const token = "Bearer tok-3f9a1c7e5b"

// api is a JSON API listing items after a cursor (an item number), two
// per page: {"data": [...], "meta": {"next": "<last number>"}}. It refuses
// requests without the token and answers status instead of a page while
// status is set.
type api struct {
	mu      sync.Mutex
	items   int
	status  int
	cursors []string
	srv     *httptest.Server
}

func newAPI(t *testing.T) *api {
	a := &api{}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *api) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	cursor := r.URL.Query().Get("after")
	a.cursors = append(a.cursors, cursor)
	switch {
	case r.Header.Get("Authorization") != token:
		w.WriteHeader(http.StatusUnauthorized)
		return
	case a.status != 0:
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(a.status)
		return
	}
	from, _ := strconv.Atoi(cursor)
	page := []any{}
	for n := from + 1; n <= min(from+2, a.items); n++ {
		page = append(page, map[string]any{"id": fmt.Sprint("item-", n), "n": n})
	}
	next := strconv.Itoa(from + len(page))
	_ = json.NewEncoder(w).Encode(map[string]any{"data": page, "meta": map[string]any{"next": next}})
}

func (a *api) fail(status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status = status
}

func (a *api) seen() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.cursors...)
}

func (a *api) add(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.items += n
}

// options are the source's options for the API, with the pointers to the
// items and their ids.
func (a *api) options(items, id string) string {
	return fmt.Sprintf("url: %s/items\ncursor_param: after\nitems: %s\nnext_cursor: /meta/next\nid: %s\nauth_secret: %q\n", a.srv.URL, items, id, token)
}

func newSource(t testing.TB, set component.SourceSettings, options string) component.Source {
	f := httppoll.NewFactory()
	src, err := f.CreateSource(context.Background(), set, componenttest.DecodeConfig(t, f, options))
	require.NoError(t, err)
	return src
}

func TestSource_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		a := newAPI(t)
		clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Clock = clock
				return newSource(t, *set, a.options("/data", "/id"))
			},
			Input: func(_ testing.TB, n int) int {
				a.add(n)
				return n
			},
			Step:     func() { clock.Advance(time.Minute) },
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

// rig polls a source by hand.
type rig struct {
	api   *api
	pub   *componenttest.Publisher
	dead  *componenttest.DeadLetters
	state *componenttest.MemState
	run   interface {
		PollOnce(context.Context) (bool, error)
	}
}

func newRig(t *testing.T, more string) *rig {
	r := &rig{api: newAPI(t), pub: &componenttest.Publisher{}, dead: &componenttest.DeadLetters{}, state: componenttest.NewMemState()}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source"), Publisher: r.pub, DeadLetter: r.dead}
	set.State = r.state
	run, err := componenttest.CreateSource(context.Background(), httppoll.NewFactory(), set,
		componenttest.DecodeConfig(t, httppoll.NewFactory(), r.api.options("/data", "/id")+more))
	require.NoError(t, err)
	r.run = run
	return r
}

func ids(msgs []*component.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}

func TestSource_pages_with_the_cursor_and_stores_it_after_publishing(t *testing.T) {
	r := newRig(t, "start: \"1\"\n")
	r.api.add(4)
	for _, wantMore := range []bool{true, true, false} {
		more, err := r.run.PollOnce(context.Background())
		require.NoError(t, err)
		assert.Equal(t, wantMore, more)
	}
	assert.Equal(t, []string{"item-2", "item-3", "item-4"}, ids(r.pub.Messages()), "after the start cursor")
	assert.Equal(t, []string{"1", "3", "4"}, r.api.seen(), "the start, then each page's next cursor")
	cursor, err := r.state.Get(context.Background(), "cursor")
	require.NoError(t, err)
	assert.Equal(t, "4", string(cursor))
	assert.Equal(t, "item-2", r.pub.Messages()[0].Meta(component.MetaKey))
}

func TestSource_classifies_what_the_API_answers(t *testing.T) {
	tests := []struct {
		status    int
		retryable bool
		after     time.Duration
	}{
		{http.StatusTooManyRequests, true, 7 * time.Second},
		{http.StatusRequestTimeout, true, 7 * time.Second},
		{http.StatusServiceUnavailable, true, 7 * time.Second},
		{http.StatusNotFound, false, 0},
		{http.StatusUnauthorized, false, 0},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			r := newRig(t, "")
			r.api.fail(tt.status)
			_, err := r.run.PollOnce(context.Background())
			require.Error(t, err)
			assert.Equal(t, tt.retryable, component.IsRetryable(err), "%v", err)
			assert.Equal(t, !tt.retryable, component.IsPermanent(err), "%v", err)
			assert.Equal(t, tt.after, component.RetryDelay(err))
			assert.NotContains(t, err.Error(), "tok-3f9a1c7e5b")
		})
	}
}

func TestSource_dead_letters_items_without_an_id_and_refuses_what_is_not_a_page(t *testing.T) {
	r := newRig(t, "")
	r.api.add(2)
	f := httppoll.NewFactory()
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source"), Publisher: r.pub, DeadLetter: r.dead}
	run, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f,
		r.api.options("/data", "/number")))
	require.NoError(t, err)
	_, err = run.PollOnce(context.Background())
	require.NoError(t, err)
	assert.Empty(t, r.pub.Messages())
	require.Equal(t, 2, r.dead.Len())
	assert.ErrorContains(t, r.dead.Reasons[0], `the item has no id at "/number"`)

	run, err = componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f,
		r.api.options("/meta", "/id")))
	require.NoError(t, err)
	_, err = run.PollOnce(context.Background())
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, `items "/meta" is not an array`)
}

func TestSource_options_are_checked(t *testing.T) {
	for options, want := range map[string]string{
		"url: ftp://x/y\nnext_cursor: /n\nid: /id":        "url: want an absolute http:// or https:// URL",
		"url: http://x/y\nid: /id":                        "missing properties: 'next_cursor'",
		"url: http://x/y\nnext_cursor: n\nid: /id":        "does not match pattern",
		"url: http://x/y\nnext_cursor: /n\nid: /id\nx: 1": "additionalProperties 'x' not allowed",
	} {
		_, err := componenttest.TryDecodeConfig(httppoll.NewFactory(), options)
		assert.ErrorContains(t, err, want, options)
	}
}
