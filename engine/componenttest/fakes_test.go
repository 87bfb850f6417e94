package componenttest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// linesRun starts a test.lines source on set until it published want
// messages in all, then stops it.
func linesRun(t *testing.T, set component.SourceSettings, options string, pub *componenttest.Publisher, want int) {
	t.Helper()
	f := componenttest.NewLinesSourceFactory()
	src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f, options))
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	require.Eventually(t, func() bool { return len(pub.Messages()) >= want }, componenttest.WaitLimit, time.Millisecond)
	require.NoError(t, src.Shutdown(context.Background()))
}

func TestLinesSource_publishes_each_line_and_resumes_after_what_it_published(t *testing.T) {
	pub, dead := &componenttest.Publisher{}, &componenttest.DeadLetters{}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source"), Publisher: pub, DeadLetter: dead}
	require.NoError(t, os.WriteFile(filepath.Join(set.Dir, "a.jsonl"), []byte("{\"n\":1}\nnot json\n{\"n\":2}\n{\"n\":"), 0o644))
	linesRun(t, set, "{path: '*.jsonl', batch_size: 1}", pub, 2)
	msgs := pub.Messages()
	require.Len(t, msgs, 2, "the incomplete last line waits")
	assert.Equal(t, []string{"a.jsonl:1", "a.jsonl:3"}, []string{msgs[0].ID, msgs[1].ID})
	assert.Equal(t, map[string]any{"n": int64(2)}, msgs[1].Body)
	assert.Equal(t, 1, dead.Len(), "the line that is not JSON")

	require.NoError(t, os.WriteFile(filepath.Join(set.Dir, "a.jsonl"), []byte("{\"n\":1}\nnot json\n{\"n\":2}\n{\"n\":3}\n"), 0o644))
	again := &componenttest.Publisher{}
	set.Publisher = again
	linesRun(t, set, "{path: '*.jsonl'}", again, 1)
	assert.Equal(t, "a.jsonl:4", again.Messages()[0].ID, "a new instance on the same state goes on after line 3")
}

func TestLinesSink_appends_bodies_and_writes_each_key_once(t *testing.T) {
	f := componenttest.NewLinesSinkFactory()
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "p/sink")}
	cfg := componenttest.DecodeConfig(t, f, "{path: out.jsonl, key: msg.id}").(*componenttest.LinesSinkConfig)
	cfg.Key.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
		return m.Body.(map[string]any)["id"], nil
	}))
	sink, err := f.CreateSink(context.Background(), set, cfg)
	require.NoError(t, err)
	msg := func(id string) *component.Message { return component.NewMessage(id, map[string]any{"id": id}) }
	require.NoError(t, sink.Write(context.Background(), []*component.Message{msg("a"), msg("b")}))
	require.NoError(t, sink.Write(context.Background(), []*component.Message{msg("a"), msg("c")}))
	data, err := os.ReadFile(filepath.Join(set.DataDir, "out.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n", string(data))
}

func TestHookSource_publishes_before_answering_and_refuses_bad_requests(t *testing.T) {
	f := componenttest.NewHookSourceFactory()
	pub, mux := &componenttest.Publisher{}, componenttest.NewMux()
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source"), Publisher: pub, HTTP: mux}
	src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f, "{path: /hooks/a, token: s3cret}"))
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	post := func(token, body string) int {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/hooks/a", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Hook-Token", token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnauthorized, post("wrong", `{}`))
	assert.Equal(t, http.StatusBadRequest, post("s3cret", `{"a":`))
	assert.Empty(t, pub.Messages())
	assert.Equal(t, http.StatusAccepted, post("s3cret", `{"a":1}`))
	assert.Len(t, pub.Messages(), 1, "published before the 202")
	require.NoError(t, src.Shutdown(context.Background()))
	assert.Equal(t, http.StatusServiceUnavailable, post("s3cret", `{"a":2}`))
}

func TestNopSink_validates_its_options_and_drops_messages(t *testing.T) {
	f := componenttest.NewNopSinkFactory()
	_, err := componenttest.TryDecodeConfig(f, "{mode: strict}")
	var fe *component.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "mode", fe.Path)
	sink, err := f.CreateSink(context.Background(), component.SinkSettings{}, componenttest.DecodeConfig(t, f, "{mode: strict, note: n, flag: true}"))
	require.NoError(t, err)
	assert.NoError(t, sink.Write(context.Background(), []*component.Message{component.NewMessage("a", nil)}))
}

// TestFactories_schemas_are_generated_from_their_configs is the fakes'
// drift check (the binary's components have theirs in the CLI's tests);
// `make schemas` regenerates them.
func TestFactories_schemas_are_generated_from_their_configs(t *testing.T) {
	for _, f := range componenttest.Factories() {
		t.Run(f.Kind().String()+"/"+string(f.Type()), func(t *testing.T) {
			componenttest.SchemaIsGenerated(t, f)
			componenttest.SchemaMatchesConfig(t, f)
			componenttest.ValidateHasNoSideEffects(t, f)
		})
	}
}
