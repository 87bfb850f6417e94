package file_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

type harness struct {
	set  component.SourceSettings
	pub  *componenttest.Publisher
	dead *componenttest.DeadLetters
	logs *componenttest.SyncBuffer
}

func newHarness(t *testing.T) *harness {
	h := &harness{pub: &componenttest.Publisher{}, dead: &componenttest.DeadLetters{}, logs: &componenttest.SyncBuffer{}}
	h.set = component.SourceSettings{Settings: componenttest.NewSettings(t, "test/source"), Publisher: h.pub, DeadLetter: h.dead}
	h.set.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(h.logs.String())
		}
	})
	wd, err := os.Getwd()
	require.NoError(t, err)
	h.set.Dir = filepath.Join(wd, "testdata")
	return h
}

// The source's log lines a test waits for.
const (
	endOfInput = "file source reached the end of its input"
	retrying   = "publishing failed; retrying"
)

// runSource starts a source, waits until it reached the end of its input
// and shuts it down.
func (h *harness) runSource(t *testing.T, options string) {
	t.Helper()
	h.runSourceUntil(t, options, endOfInput)
}

// runSourceUntil starts a source, waits until it logged logLine and shuts
// it down.
func (h *harness) runSourceUntil(t *testing.T, options, logLine string) {
	t.Helper()
	src := h.start(t, options)
	require.Eventually(t, func() bool { return strings.Contains(h.logs.String(), logLine) }, componenttest.WaitLimit, time.Millisecond, "the source logs %q", logLine)
	require.NoError(t, src.Shutdown(context.Background()))
}

// start creates and starts a source with the options.
func (h *harness) start(t *testing.T, options string) component.Source {
	t.Helper()
	f := file.NewSourceFactory()
	src, err := componenttest.CreateSource(context.Background(), f, h.set, componenttest.DecodeConfig(t, f, options))
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	return src
}

// body returns a published message's body, which the source publishes as JSON.
func body(m *component.Message) string { return string(m.Body.(json.RawMessage)) }

func TestSource_reads_json_lines_and_dead_letters_bad_ones(t *testing.T) {
	h := newHarness(t)
	h.runSource(t, "path: orders.jsonl\nbatch_size: 2")
	msgs := h.pub.Messages()
	require.Len(t, msgs, 3)
	assert.Equal(t, "orders.jsonl:1", msgs[0].ID)
	assert.JSONEq(t, `{"id":1,"amount":12.30}`, body(msgs[0]), "passed on as read")
	assert.Equal(t, "5", msgs[2].Meta("line"))
	require.Equal(t, 1, h.dead.Len())
	assert.Equal(t, "not json", h.dead.Msgs[0].Body)
	assert.ErrorContains(t, h.dead.Reasons[0], "orders.jsonl:3: invalid JSON")
	assert.True(t, component.IsPermanent(h.dead.Reasons[0]))
}

func TestSource_resumes_after_what_it_published(t *testing.T) {
	h := newHarness(t)
	h.runSource(t, "path: orders.jsonl")
	first := len(h.pub.Messages())
	// A second run with the same state publishes nothing new.
	h2 := newHarness(t)
	h2.set.State = h.set.State
	h2.runSource(t, "path: orders.jsonl")
	assert.Equal(t, 3, first)
	assert.Empty(t, h2.pub.Messages())
	assert.Equal(t, 0, h2.dead.Len(), "the bad line is not dead-lettered twice")
}

func TestSource_does_not_move_the_cursor_when_publishing_fails(t *testing.T) {
	h := newHarness(t)
	h.pub.Err = assert.AnError
	h.runSourceUntil(t, "path: orders.jsonl", retrying)
	_, err := h.set.State.Get(context.Background(), "offset/orders.jsonl")
	assert.ErrorIs(t, err, component.ErrNotFound)
}

func TestSource_without_watch_retries_a_failed_publish(t *testing.T) {
	h := newHarness(t)
	clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	h.set.Clock = clock
	var calls atomic.Int32
	h.set.Publisher = component.PublisherFunc(func(ctx context.Context, msgs ...*component.Message) error {
		if calls.Add(1) == 1 {
			return component.Retryable(assert.AnError) // the transport refused once
		}
		return h.pub.Publish(ctx, msgs...)
	})
	src := h.start(t, "path: orders.jsonl")
	defer func() { require.NoError(t, src.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond, "the source waits to try again")
	assert.Empty(t, h.pub.Messages())
	clock.Advance(time.Minute)
	require.Eventually(t, func() bool { return len(h.pub.Messages()) == 3 }, componenttest.WaitLimit, time.Millisecond, "published on the second attempt")
}

func TestSource_reads_csv_rows_as_objects(t *testing.T) {
	h := newHarness(t)
	h.runSource(t, "path: stock.csv\nformat: csv")
	msgs := h.pub.Messages()
	require.Len(t, msgs, 2)
	assert.JSONEq(t, `{"sku": "A-1", "qty": "3"}`, body(msgs[0]))
	assert.JSONEq(t, `{"sku": "B,2", "qty": "4"}`, body(msgs[1]))
	require.Equal(t, 1, h.dead.Len())
	assert.ErrorContains(t, h.dead.Reasons[0], "stock.csv:4: 1 fields, the header has 2")
}

func TestSource_dead_letters_a_malformed_csv_row_and_resumes_past_it(t *testing.T) {
	h := newHarness(t)
	h.set.Dir = t.TempDir()
	path := filepath.Join(h.set.Dir, "in.csv")
	require.NoError(t, os.WriteFile(path, []byte("sku,qty\nA-1,1\nB\"2,2\nC-3,3\n"), 0o644))
	h.runSource(t, "path: in.csv\nformat: csv")
	msgs := h.pub.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "in.csv:4", msgs[1].ID)
	require.Equal(t, 1, h.dead.Len())
	assert.ErrorContains(t, h.dead.Reasons[0], `in.csv:3: parse error on line 3, column 2: bare "`)

	// A row appended later is read after the malformed one is skipped.
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteString("D-4,4\n")
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	h2 := newHarness(t)
	h2.set.Dir, h2.set.State = h.set.Dir, h.set.State
	h2.runSource(t, "path: in.csv\nformat: csv")
	msgs = h2.pub.Messages()
	require.Len(t, msgs, 1)
	assert.JSONEq(t, `{"sku": "D-4", "qty": "4"}`, body(msgs[0]))
	assert.Equal(t, 0, h2.dead.Len(), "the malformed row is not dead-lettered twice")
}

func TestSource_options_are_checked(t *testing.T) {
	for options, want := range map[string]string{
		"format: jsonl":                         "missing properties: 'path'",
		"path: x\nformat: xml":                  "value must be one of",
		"path: x\ndelimiter: ';'":               "delimiter only applies to format csv",
		"path: x\nformat: csv\ndelimiter: '::'": "want a single character",
		"path: x\nwatch: soon":                  "does not match pattern",
		"path: x\nbatchsize: 3":                 "additionalProperties 'batchsize' not allowed",
	} {
		_, err := componenttest.TryDecodeConfig(file.NewSourceFactory(), options)
		assert.ErrorContains(t, err, want, options)
	}
}

func TestSink_appends_json_lines_and_fails_only_unencodable_bodies(t *testing.T) {
	f := file.NewSinkFactory()
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "test/sink")}
	sink, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, f, "path: out/x.jsonl\nsync: true"))
	require.NoError(t, err)
	require.NoError(t, sink.Start(context.Background()))
	batch := []*component.Message{
		component.NewMessage("1", map[string]any{"total": decimal.MustParse("10.50")}),
		component.NewMessage("2", map[string]any{"bad": make(chan int)}),
		component.NewMessage("3", "text"),
	}
	err = sink.Write(context.Background(), batch)
	require.Error(t, err)
	assert.NoError(t, component.ErrFor(err, 0))
	assert.True(t, component.IsPermanent(component.ErrFor(err, 1)))
	assert.NoError(t, component.ErrFor(err, 2))
	require.NoError(t, sink.Shutdown(context.Background()))
	data, err := os.ReadFile(filepath.Join(set.DataDir, "out", "x.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, "{\"total\":10.50}\n\"text\"\n", string(data))
}

// startKeyedSink starts a file sink writing out.jsonl with key msg.id.
func startKeyedSink(t *testing.T, set component.SinkSettings) component.Sink {
	t.Helper()
	f := file.NewSinkFactory()
	cfg := componenttest.DecodeConfig(t, f, "path: out.jsonl").(*file.SinkConfig)
	cfg.Key = component.NewExpr("msg.id")
	cfg.Key.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
		return m.Body.(map[string]any)["id"], nil
	}))
	s, err := f.CreateSink(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, s.Start(context.Background()))
	return s
}

func TestSink_with_a_key_writes_each_key_once_across_restarts(t *testing.T) {
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "test/sink")}
	path := filepath.Join(set.DataDir, "out.jsonl")
	open := func() component.Sink { return startKeyedSink(t, set) }
	msg := func(id string) *component.Message { return component.NewMessage(id, map[string]any{"id": id}) }
	s := open()
	require.NoError(t, s.Write(context.Background(), []*component.Message{msg("a"), msg("b"), msg("a")}))
	require.NoError(t, s.Shutdown(context.Background()))
	// A crash left half a line behind; the restarted sink drops it and
	// still knows a and b.
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteString(`{"id":"c"`)
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	s = open()
	require.NoError(t, s.Write(context.Background(), []*component.Message{msg("b"), msg("c")}))
	require.NoError(t, s.Shutdown(context.Background()))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n", string(data))
}

func TestSink_with_a_key_writes_a_message_whose_key_failed_to_encode_later(t *testing.T) {
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "test/sink")}
	s := startKeyedSink(t, set)
	bad := component.NewMessage("x", map[string]any{"id": "x", "v": make(chan int)})
	err := s.Write(context.Background(), []*component.Message{bad})
	require.Error(t, err)
	fixed := component.NewMessage("x", map[string]any{"id": "x", "v": int64(1)})
	require.NoError(t, s.Write(context.Background(), []*component.Message{fixed}))
	require.NoError(t, s.Shutdown(context.Background()))
	data, err := os.ReadFile(filepath.Join(set.DataDir, "out.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, "{\"id\":\"x\",\"v\":1}\n", string(data), "the failed key was forgotten, so the fixed message was written")
}
