package file_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// disk stands for the file system under a sink's file: it has a given
// free space, and it can fail the next fsync.
type disk struct {
	mu           sync.Mutex
	free         int64 // bytes that still fit; -1: plenty
	failSync     bool
	failTruncate bool
}

func (d *disk) setFree(n int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.free = n
}

func (d *disk) open(path string) (file.SinkFile, error) {
	f, err := file.OpenAppend(path)
	if err != nil {
		return nil, err
	}
	return &diskFile{SinkFile: f, d: d, path: path}, nil
}

type diskFile struct {
	file.SinkFile
	d    *disk
	path string
}

// Write writes what fits and fails with ENOSPC for the rest, as a full
// file system does.
func (f *diskFile) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if f.d.free < 0 {
		return f.SinkFile.Write(p)
	}
	n, err := f.SinkFile.Write(p[:min(int64(len(p)), f.d.free)])
	f.d.free -= int64(n)
	if err == nil && n < len(p) {
		err = &os.PathError{Op: "write", Path: f.path, Err: syscall.ENOSPC}
	}
	return n, err
}

// Truncate gives the space it frees back.
func (f *diskFile) Truncate(size int64) error {
	f.d.mu.Lock()
	fail := f.d.failTruncate
	f.d.failTruncate = false
	f.d.mu.Unlock()
	if fail {
		return &os.PathError{Op: "truncate", Path: f.path, Err: syscall.EIO}
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := f.SinkFile.Truncate(size); err != nil {
		return err
	}
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if f.d.free >= 0 {
		f.d.free += st.Size() - size
	}
	return nil
}

func (f *diskFile) Sync() error {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if f.d.failSync {
		f.d.failSync = false
		return &os.PathError{Op: "sync", Path: f.path, Err: syscall.EIO}
	}
	return f.SinkFile.Sync()
}

func records(from, to int) []*component.Message {
	var batch []*component.Message
	for i := from; i <= to; i++ {
		id := fmt.Sprintf("r%d", i)
		batch = append(batch, component.NewMessage(id, map[string]any{"id": id}))
	}
	return batch
}

func lines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "{\"id\":\"r%d\"}\n", i)
	}
	return b.String()
}

// sinkSettings returns sink settings whose logs go to logs.
func sinkSettings(t *testing.T, logs *componenttest.SyncBuffer) component.SinkSettings {
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "test/sink")}
	set.Logger = slog.New(slog.NewTextHandler(logs, nil))
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	return set
}

func TestSink_recovers_from_a_failed_write_without_restart_or_torn_records(t *testing.T) {
	for _, c := range []struct {
		name, options string
		fail, recover func(*disk)
		failsTwice    bool
	}{
		{
			name: "a full disk", options: "path: out.jsonl",
			fail: func(d *disk) { d.setFree(10) }, recover: func(d *disk) { d.setFree(-1) }, failsTwice: true,
		},
		{
			name: "a full disk, idempotent sink", options: "path: out.jsonl\nkey: msg.id",
			fail: func(d *disk) { d.setFree(10) }, recover: func(d *disk) { d.setFree(-1) }, failsTwice: true,
		},
		{
			name: "a failed fsync", options: "path: out.jsonl\nsync: true",
			fail: func(d *disk) { d.failSync = true }, recover: func(*disk) {},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs := &componenttest.SyncBuffer{}
			set := sinkSettings(t, logs)
			d := &disk{free: -1}
			f := file.NewSinkFactoryOpening(d.open)
			cfg := componenttest.DecodeConfig(t, f, c.options).(*file.SinkConfig)
			if !cfg.Key.IsZero() {
				cfg.Key.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
					return m.Body.(map[string]any)["id"], nil
				}))
			}
			sink, err := f.CreateSink(context.Background(), set, cfg)
			require.NoError(t, err)
			require.NoError(t, sink.Start(context.Background()))
			path := filepath.Join(set.DataDir, "out.jsonl")
			content := func() string {
				data, err := os.ReadFile(path)
				require.NoError(t, err)
				return string(data)
			}

			require.NoError(t, sink.Write(context.Background(), records(1, 3)))
			c.fail(d)
			err = sink.Write(context.Background(), records(4, 6))
			require.Error(t, err)
			assert.True(t, component.IsRetryable(err), "retryable: %v", err)
			assert.Equal(t, lines(1, 3), content(), "no part of the failed batch remains")
			if c.failsTwice {
				require.Error(t, sink.Write(context.Background(), records(4, 6)), "still failing")
				assert.Equal(t, lines(1, 3), content())
			}
			assert.Contains(t, logs.String(), "level=ERROR msg=\"file sink cannot write; the batch is retried\"")

			c.recover(d)
			require.NoError(t, sink.Write(context.Background(), records(4, 6)), "the same sink writes again")
			require.NoError(t, sink.Write(context.Background(), records(7, 9)))
			require.NoError(t, sink.Shutdown(context.Background()))
			assert.Equal(t, lines(1, 9), content(), "every record once, no partial line")
			assert.Contains(t, logs.String(), "msg=\"file sink writes again\"")
		})
	}
}

func TestSink_opens_its_file_again_when_a_failed_write_cannot_be_taken_back(t *testing.T) {
	logs := &componenttest.SyncBuffer{}
	set := sinkSettings(t, logs)
	d := &disk{free: -1}
	f := file.NewSinkFactoryOpening(d.open)
	sink, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, f, "path: out.jsonl"))
	require.NoError(t, err)
	require.NoError(t, sink.Start(context.Background()))
	path := filepath.Join(set.DataDir, "out.jsonl")

	require.NoError(t, sink.Write(context.Background(), records(1, 3)))
	d.setFree(5)
	d.failTruncate = true
	err = sink.Write(context.Background(), records(4, 6))
	require.Error(t, err)
	assert.True(t, component.IsRetryable(err), "retryable: %v", err)
	assert.ErrorContains(t, err, "removing the partial batch failed too")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, lines(1, 3)+`{"id"`, string(data), "a torn record is left")

	d.setFree(-1)
	require.NoError(t, sink.Write(context.Background(), records(4, 6)), "the same sink writes again")
	require.NoError(t, sink.Shutdown(context.Background()))
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, lines(1, 6), string(data), "the torn record was dropped when the file was opened again")
}

func TestSink_resumes_once_its_directory_is_writable_again(t *testing.T) {
	logs := &componenttest.SyncBuffer{}
	set := sinkSettings(t, logs)
	dir := filepath.Join(set.DataDir, "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if probe, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		probe.Close()
		t.Skip("this user writes into a read-only directory (root): chmod cannot make the fault")
	}

	f := file.NewSinkFactory()
	sink, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, f, "path: out/x.jsonl"))
	require.NoError(t, err)
	require.NoError(t, sink.Start(context.Background()), "the engine starts; the sink retries")
	assert.Contains(t, logs.String(), "file sink cannot open its file")
	err = sink.Write(context.Background(), records(1, 2))
	require.Error(t, err)
	assert.True(t, component.IsRetryable(err), "retryable: %v", err)
	assert.ErrorContains(t, err, "permission denied")

	require.NoError(t, os.Chmod(dir, 0o755))
	require.NoError(t, sink.Write(context.Background(), records(1, 2)), "the same sink writes once it can")
	require.NoError(t, sink.Shutdown(context.Background()))
	data, err := os.ReadFile(filepath.Join(dir, "x.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, lines(1, 2), string(data))
}

// brokenPipe fails one write after cut bytes, then works.
type brokenPipe struct {
	bytes.Buffer
	cut int // -1: no failure to come
}

func (w *brokenPipe) Write(p []byte) (int, error) {
	if w.cut < 0 || len(p) <= w.cut {
		return w.Buffer.Write(p)
	}
	n, _ := w.Buffer.Write(p[:w.cut])
	w.cut = -1
	return n, syscall.EAGAIN
}

func TestStdout_completes_a_line_a_failed_write_cut(t *testing.T) {
	out := &brokenPipe{cut: len(lines(1, 1)) + 5} // in the middle of the second line
	f := file.NewStdoutFactoryTo(out)
	sink, err := f.CreateSink(context.Background(), component.SinkSettings{Settings: componenttest.NewSettings(t, "test/stdout")}, nil)
	require.NoError(t, err)
	err = sink.Write(context.Background(), records(1, 3))
	require.Error(t, err)
	assert.True(t, component.IsRetryable(err), "retryable: %v", err)
	require.NoError(t, sink.Write(context.Background(), records(1, 3)), "the retry")
	require.NoError(t, sink.Write(context.Background(), records(4, 4)))

	assert.Equal(t, lines(1, 2)+lines(1, 4), out.String(), "the cut line completed, then the batch again: at least once, never torn")
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		assert.True(t, json.Valid([]byte(l)), l)
	}
}
