package service

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeBacklog answers the gate's readings from a script: each reading
// takes the next value (the last one repeats); cancel, when set, is called
// at the reading it names (1-based).
type fakeBacklog struct {
	mu       sync.Mutex
	values   []uint64
	errs     []error
	reads    int
	cancelAt int
	cancel   context.CancelFunc
}

func (f *fakeBacklog) read(context.Context) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := min(f.reads, len(f.values)-1)
	f.reads++
	if f.reads == f.cancelAt {
		f.cancel()
	}
	var err error
	if i < len(f.errs) {
		err = f.errs[i]
	}
	return f.values[i], err
}

func (f *fakeBacklog) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// heldLog records the gate's held(true)/held(false) calls.
type heldLog struct {
	mu    sync.Mutex
	calls []bool
}

func (h *heldLog) held(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, on)
}

func TestAheadGate_reads_the_backlog_only_when_its_estimate_reaches_the_mark(t *testing.T) {
	f := &fakeBacklog{values: []uint64{0}}
	h := &heldLog{}
	g := newAheadGate(100, 0, f.read, h.held)
	ctx := context.Background()

	require.NoError(t, g.Wait(ctx))
	assert.Equal(t, 1, f.count(), "the first wait reads the backlog")
	for range 9 {
		g.published(10, 10, 0)
		require.NoError(t, g.Wait(ctx))
	}
	assert.Equal(t, 1, f.count(), "90 published since a reading of 0 is below 100: no reading")
	g.published(10, 10, 0)
	require.NoError(t, g.Wait(ctx))
	assert.Equal(t, 2, f.count(), "an estimate of 100 reads the backlog again")
	assert.Empty(t, h.calls, "a backlog below the mark holds nothing")
}

func TestAheadGate_holds_a_source_until_the_backlog_drained_to_half_the_mark(t *testing.T) {
	f := &fakeBacklog{values: []uint64{120, 110, 110, 80, 50, 20}}
	h := &heldLog{}
	g := newAheadGate(100, 0, f.read, h.held)

	require.NoError(t, g.Wait(context.Background()))
	assert.Equal(t, 5, f.count(), "waits until a reading of at most 50, no further")
	assert.Equal(t, []bool{true, false}, h.calls)
	g.published(49, 49, 0)
	require.NoError(t, g.Wait(context.Background()))
	assert.Equal(t, 5, f.count(), "the last reading (50) plus 49 published is below the mark")
}

func TestAheadGate_ends_a_wait_when_the_source_stops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The consumers never catch up (a sink that is down); the source is
	// stopped during the third reading.
	f := &fakeBacklog{values: []uint64{100}, cancelAt: 3, cancel: cancel}
	h := &heldLog{}
	g := newAheadGate(100, 0, f.read, h.held)

	err := g.Wait(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []bool{true, false}, h.calls)
}

func TestAheadGate_does_not_hold_a_source_when_the_backlog_cannot_be_read(t *testing.T) {
	noConsumer := errors.New("consumer not found")
	cases := []struct {
		name   string
		values []uint64
		errs   []error
		reads  int
	}{
		{"at the first reading", []uint64{0}, []error{noConsumer}, 1},
		{"while it waits", []uint64{150, 0}, []error{nil, noConsumer}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeBacklog{values: c.values, errs: c.errs}
			g := newAheadGate(100, 0, f.read, (&heldLog{}).held)
			require.NoError(t, g.Wait(context.Background()))
			assert.Equal(t, c.reads, f.count())
		})
	}
}

func TestAheadGate_reads_again_after_a_failed_reading(t *testing.T) {
	f := &fakeBacklog{values: []uint64{0, 0}, errs: []error{errors.New("timeout")}}
	g := newAheadGate(100, 0, f.read, (&heldLog{}).held)
	require.NoError(t, g.Wait(context.Background()))
	require.NoError(t, g.Wait(context.Background()))
	assert.Equal(t, 2, f.count(), "an unknown backlog is read at the next wait")
	require.NoError(t, g.Wait(context.Background()))
	assert.Equal(t, 2, f.count(), "a known one is not")
}

func TestAheadGate_holds_at_the_bytes_bound_when_records_are_large(t *testing.T) {
	cases := []struct {
		name      string
		maxRecs   int
		maxBytes  int64
		records   int
		bytes     int
		wantReads int // readings by a wait after the publish (0 backlog at first)
	}{
		// 50 records of 10 KB against 100 KB: the mark is 10 records.
		{"large records reach the bytes bound", 100, 100 << 10, 50, 500 << 10, 2},
		// 50 records of 100 bytes against 100 KB: the mark stays 100 records.
		{"small records reach the records bound", 100, 100 << 10, 50, 5000, 1},
		{"no bytes bound", 100, 0, 50, 500 << 10, 1},
		{"no records bound", -1, 100 << 10, 50, 500 << 10, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeBacklog{values: []uint64{0, 0}}
			g := newAheadGate(c.maxRecs, c.maxBytes, f.read, (&heldLog{}).held)
			require.NoError(t, g.Wait(context.Background()))
			g.published(c.records, c.records, c.bytes)
			require.NoError(t, g.Wait(context.Background()))
			assert.Equal(t, c.wantReads, f.count(), "a wait reads the backlog again once the estimate reaches the mark")
		})
	}
}

func TestAheadGate_holds_a_source_of_large_records_until_half_the_bytes_bound(t *testing.T) {
	// Records of 1 KB against 20 KB: the high mark is 20 records, the low 10.
	f := &fakeBacklog{values: []uint64{0, 25, 15, 10}}
	h := &heldLog{}
	g := newAheadGate(1000, 20<<10, f.read, h.held)
	require.NoError(t, g.Wait(context.Background()))
	g.published(25, 25, 25<<10)
	require.NoError(t, g.Wait(context.Background()))
	assert.Equal(t, 4, f.count(), "held until the backlog read 10")
	assert.Equal(t, []bool{true, false}, h.calls)
}
