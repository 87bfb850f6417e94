package file_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// Without a key, the sink writes each message id once: a redelivery (its
// acknowledgement was lost in a failover) is dropped, also by a restarted
// sink (the ids are in its State); another message with the same content
// is written.
func TestSink_without_a_key_writes_a_redelivered_message_once(t *testing.T) {
	set := sinkSettings(t, &componenttest.SyncBuffer{})
	f := file.NewSinkFactory()
	open := func() component.Sink {
		s, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, f, "path: out.jsonl"))
		require.NoError(t, err)
		require.NoError(t, s.Start(context.Background()))
		return s
	}
	s := open()
	require.NoError(t, s.Write(context.Background(), records(1, 2)))
	require.NoError(t, s.Write(context.Background(), records(2, 3)), "r2 redelivered with r3")
	require.NoError(t, s.Shutdown(context.Background()))

	s = open()
	equal := component.NewMessage("r1-again", records(1, 1)[0].Body)
	require.NoError(t, s.Write(context.Background(), append(records(1, 3), equal)))
	require.NoError(t, s.Shutdown(context.Background()))
	data, err := os.ReadFile(filepath.Join(set.DataDir, "out.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, lines(1, 3)+lines(1, 1), string(data), "r1 to r3 once; r1's content again under another id")
}

// recordFails is SeenIDs whose records fail, like an engine killed after
// the append and before the ids were recorded.
type recordFails struct{ component.SeenIDs }

func (recordFails) Record(context.Context, string) error {
	return component.Retryable(errors.New("killed before the record"))
}

// The sink notes each batch before it appends it: ids that an engine
// killed after the append did not record are recorded when the file is
// opened again, so their redelivery is not written twice.
func TestSink_without_a_key_records_at_start_what_it_wrote_before_a_crash(t *testing.T) {
	set := sinkSettings(t, &componenttest.SyncBuffer{})
	seen := component.NewStateSeenIDs(set.State)
	f := file.NewSinkFactory()
	open := func(seen component.SeenIDs) component.Sink {
		set.Seen = seen
		s, err := f.CreateSink(context.Background(), set, componenttest.DecodeConfig(t, f, "path: out.jsonl\nsync: true"))
		require.NoError(t, err)
		require.NoError(t, s.Start(context.Background()))
		return s
	}
	s := open(seen)
	require.NoError(t, s.Write(context.Background(), records(1, 1)))
	require.NoError(t, s.Shutdown(context.Background()))
	s = open(recordFails{seen})
	require.NoError(t, s.Write(context.Background(), records(2, 3)), "written; the record failed (logged)")
	require.NoError(t, s.Shutdown(context.Background()))

	s = open(seen)
	_, err := os.Stat(filepath.Join(set.DataDir, "out.jsonl.pending"))
	assert.ErrorIs(t, err, os.ErrNotExist, "the note is removed once its ids are recorded")
	require.NoError(t, s.Write(context.Background(), records(1, 4)), "r1 to r3 redelivered with r4")
	require.NoError(t, s.Shutdown(context.Background()))
	data, err := os.ReadFile(filepath.Join(set.DataDir, "out.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, lines(1, 4), string(data))
}
