package file_test

import (
	"context"
	"fmt"
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

// inTemp points the harness at a temporary directory holding files.
func (h *harness) inTemp(t *testing.T, files map[string]string) {
	t.Helper()
	h.set.Dir = t.TempDir()
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(h.set.Dir, name), []byte(data), 0o644))
	}
}

func appendTo(t testing.TB, path, data string) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteString(data)
	require.NoError(t, err)
	require.NoError(t, fh.Close())
}

func ids(msgs []*component.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

// bigLine is a JSON line whose record (without "\n") is n bytes.
func bigLine(n int) string { return `{"x":"` + strings.Repeat("x", n-8) + "\"}\n" }

func TestSource_dead_letters_records_over_the_limit_and_reads_on(t *testing.T) {
	for _, c := range []struct {
		name, big string
		size      int
	}{
		{name: "a terminated line", big: bigLine(3000), size: 3000},
		{name: "a line ending in \\r\\n", big: strings.TrimSuffix(bigLine(3000), "\n") + "\r\n", size: 3000},
		{name: "a line the end of the file cuts short", big: strings.TrimSuffix(bigLine(3000), "\n"), size: 3000},
		{name: "a line of exactly the limit is read", big: bigLine(1024), size: 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.inTemp(t, map[string]string{
				"a.jsonl": "{\"n\":1}\n" + c.big,
				"b.jsonl": "{\"n\":2}\n",
			})
			h.runSource(t, "path: \"*.jsonl\"\nmax_record_bytes: 1024")
			if c.size == 0 {
				assert.Equal(t, []string{"a.jsonl:1", "a.jsonl:2", "b.jsonl:1"}, ids(h.pub.Messages()))
				assert.Zero(t, h.dead.Len())
				return
			}
			assert.Equal(t, []string{"a.jsonl:1", "b.jsonl:1"}, ids(h.pub.Messages()), "the next file is read")
			require.Equal(t, 1, h.dead.Len())
			msg, reason := h.dead.Msgs[0], h.dead.Reasons[0]
			assert.EqualError(t, reason, "a.jsonl:2: record of 3000 bytes is over max_record_bytes (1024); skipped (the dead letter keeps its first 1024 bytes)")
			assert.True(t, component.IsPermanent(reason))
			assert.Equal(t, c.big[:1024], msg.Body, "the start of the record")
			assert.Equal(t, map[string]string{"file": "a.jsonl", "line": "2", "size": "3000"}, msg.Metadata)
		})
	}
}

func TestSource_reads_on_after_a_long_record_in_the_middle_of_a_file(t *testing.T) {
	h := newHarness(t)
	h.inTemp(t, map[string]string{"a.jsonl": "{\"n\":1}\n" + bigLine(200_000) + "{\"n\":3}\n\n{\"n\":5}\n"})
	h.runSource(t, "path: a.jsonl\nmax_record_bytes: 64")
	assert.Equal(t, []string{"a.jsonl:1", "a.jsonl:3", "a.jsonl:5"}, ids(h.pub.Messages()))
	require.Equal(t, 1, h.dead.Len())
	assert.ErrorContains(t, h.dead.Reasons[0], "a.jsonl:2: record of 200000 bytes")
	cursor, err := h.set.State.Get(context.Background(), "offset/a.jsonl")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%d 5", 8+200_001+8+1+8), string(cursor))
}

func TestSource_without_watch_reads_a_last_line_without_newline(t *testing.T) {
	h := newHarness(t)
	h.inTemp(t, map[string]string{"a.jsonl": "{\"n\":1}\n{\"n\":2}"})
	h.runSource(t, "path: a.jsonl")
	assert.Equal(t, []string{"a.jsonl:1", "a.jsonl:2"}, ids(h.pub.Messages()))
}

func TestSource_watching_reads_a_long_line_once_it_is_complete(t *testing.T) {
	h := newHarness(t)
	clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	h.set.Clock = clock
	h.inTemp(t, map[string]string{"a.jsonl": "{\"n\":1}\n" + strings.TrimSuffix(bigLine(3000), "\n")})
	src := h.start(t, "path: a.jsonl\nmax_record_bytes: 1024\nwatch: 1s")
	defer func() { require.NoError(t, src.Shutdown(context.Background())) }()
	waitForWatch := func() {
		require.Eventually(t, func() bool { return clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond, "the source waits for more input")
	}
	waitForWatch()
	assert.Equal(t, []string{"a.jsonl:1"}, ids(h.pub.Messages()))
	assert.Zero(t, h.dead.Len(), "the line may still grow")

	appendTo(t, filepath.Join(h.set.Dir, "a.jsonl"), "xyz\n{\"n\":3}\n")
	clock.Advance(time.Second)
	require.Eventually(t, func() bool { return len(h.pub.Messages()) == 2 }, componenttest.WaitLimit, time.Millisecond)
	assert.Equal(t, []string{"a.jsonl:1", "a.jsonl:3"}, ids(h.pub.Messages()))
	require.Equal(t, 1, h.dead.Len())
	assert.ErrorContains(t, h.dead.Reasons[0], "a.jsonl:2: record of 3003 bytes is over max_record_bytes (1024)")
}

func TestSource_dead_letters_records_too_large_for_the_transport(t *testing.T) {
	t.Run("a long line", func(t *testing.T) {
		h := newHarness(t)
		h.set.MaxPayload = 8192 // leaves 4096 bytes for a record
		h.inTemp(t, map[string]string{"a.jsonl": bigLine(5000) + "{\"n\":2}\n"})
		h.runSource(t, "path: a.jsonl")
		assert.Equal(t, []string{"a.jsonl:2"}, ids(h.pub.Messages()))
		require.Equal(t, 1, h.dead.Len())
		assert.ErrorContains(t, h.dead.Reasons[0], "a.jsonl:1: record of 5000 bytes is too large for the transport's maximum payload of 8192 bytes; skipped")
	})
	t.Run("a csv row that grows as JSON", func(t *testing.T) {
		h := newHarness(t)
		h.set.MaxPayload = 4096 + 1000
		var header, row []string
		for i := range 40 {
			header = append(header, fmt.Sprintf("c_long_name_%02d", i))
			row = append(row, "0123456789")
		}
		h.inTemp(t, map[string]string{"in.csv": strings.Join(header, ",") + "\n" + strings.Join(row, ",") + "\n" + strings.Repeat("1,", 39) + "1\n"})
		h.runSource(t, "path: in.csv\nformat: csv")
		assert.Equal(t, []string{"in.csv:3"}, ids(h.pub.Messages()))
		require.Equal(t, 1, h.dead.Len())
		assert.ErrorContains(t, h.dead.Reasons[0], "in.csv:2: the record is 1201 bytes as JSON, too large for the transport's maximum payload of 5096 bytes (the dead letter keeps the first 318 of its 440 bytes)")
		assert.Equal(t, strings.Join(row, ",")[:318], h.dead.Msgs[0].Body, "the row as read, cut to fit a dead-letter record")
	})
}

func TestSource_dead_letter_keeps_the_start_of_a_long_malformed_record(t *testing.T) {
	h := newHarness(t)
	h.inTemp(t, map[string]string{"a.jsonl": "{" + strings.Repeat("é", 50_000) + "\n{\"n\":2}\n"})
	h.runSource(t, "path: a.jsonl")
	assert.Equal(t, []string{"a.jsonl:2"}, ids(h.pub.Messages()))
	require.Equal(t, 1, h.dead.Len())
	text := h.dead.Msgs[0].Body.(string)
	assert.Len(t, text, 65535, "cut on a character boundary")
	assert.True(t, strings.HasPrefix(text, "{éé"))
	assert.ErrorContains(t, h.dead.Reasons[0], "a.jsonl:1: invalid JSON")
	assert.ErrorContains(t, h.dead.Reasons[0], "(the dead letter keeps the first 65535 of its 100002 bytes)")
}

func TestSource_reads_csv_records_with_quoted_newlines_and_resumes_after_them(t *testing.T) {
	h := newHarness(t)
	h.inTemp(t, map[string]string{"in.csv": "sku;note\r\nA-1;\"two\nlines; \"\"quoted\"\"\"\r\n\r\nB-2;\"x\"\r\n"})
	h.runSource(t, "path: in.csv\nformat: csv\ndelimiter: ';'")
	msgs := h.pub.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, []string{"in.csv:2", "in.csv:5"}, ids(msgs))
	assert.JSONEq(t, `{"sku":"A-1","note":"two\nlines; \"quoted\""}`, body(msgs[0]))
	assert.JSONEq(t, `{"sku":"B-2","note":"x"}`, body(msgs[1]))

	appendTo(t, filepath.Join(h.set.Dir, "in.csv"), "C-3;\"a\nb\"\n")
	h2 := newHarness(t)
	h2.set.Dir, h2.set.State = h.set.Dir, h.set.State
	h2.runSource(t, "path: in.csv\nformat: csv\ndelimiter: ';'")
	msgs = h2.pub.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, "in.csv:6", msgs[0].ID)
	assert.JSONEq(t, `{"sku":"C-3","note":"a\nb"}`, body(msgs[0]))
}

func TestSource_reads_csv_with_a_multi_byte_delimiter(t *testing.T) {
	h := newHarness(t)
	h.inTemp(t, map[string]string{"in.csv": "sku¦note\nA-1¦\"x¦\ny\"\nB-2¦z\n"})
	h.runSource(t, "path: in.csv\nformat: csv\ndelimiter: '¦'")
	msgs := h.pub.Messages()
	require.Len(t, msgs, 2)
	assert.JSONEq(t, `{"sku":"A-1","note":"x¦\ny"}`, body(msgs[0]))
	assert.JSONEq(t, `{"sku":"B-2","note":"z"}`, body(msgs[1]))
}

func TestSource_a_file_it_cannot_read_holds_up_no_other(t *testing.T) {
	h := newHarness(t)
	h.inTemp(t, map[string]string{
		"a.csv": "sku,\"qty\n1,2\n",
		"b.csv": "sku,qty\nB-1,1\n",
	})
	h.runSourceUntil(t, "path: \"*.csv\"\nformat: csv", "poll failed; the source stops")
	assert.Equal(t, []string{"b.csv:2"}, ids(h.pub.Messages()))
	assert.Contains(t, h.logs.String(), `a.csv:1: header: record on line 1; parse error on line 2, column 5: extraneous or missing \" in quoted-field`)
}
