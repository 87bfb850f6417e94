package service

import (
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeapFollower_keeps_the_limit_at_Go_pacing_within_floor_and_cgroup(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name          string
		floor, cgroup int64
		window        int     // readings the followed live heap is the lowest of (0: 1)
		live          []int64 // live heap at start, then at each adjust; the rest of the runtime takes 10 MiB
		want          []int64 // the limits set, in order
	}{
		{"a small heap gets the floor", 64 * mib, 0, 0, []int64{10 * mib, 25 * mib}, []int64{64 * mib}},
		{"a larger heap twice itself and the rest", 64 * mib, 0, 0, []int64{10 * mib, 50 * mib, 200 * mib}, []int64{64 * mib, 110 * mib, 410 * mib}},
		{"back to the floor when the heap shrinks", 64 * mib, 0, 0, []int64{100 * mib, 20 * mib}, []int64{210 * mib, 64 * mib}},
		{"a growing heap raises it at once", 64 * mib, 0, 0, []int64{100 * mib, 101 * mib}, []int64{210 * mib, 212 * mib}},
		{"a heap shrinking a little leaves it", 64 * mib, 0, 0, []int64{100 * mib, 97 * mib}, []int64{210 * mib}},
		{"never above three quarters of the cgroup", 64 * mib, 400 * mib, 0, []int64{100 * mib, 300 * mib}, []int64{210 * mib, 300 * mib}},
		{"a cgroup smaller than the floor lowers it", 64 * mib, 64 * mib, 0, []int64{1 * mib}, []int64{48 * mib}},
		{"a moment's peak of the live heap leaves it", 64 * mib, 0, 3, []int64{20 * mib, 50 * mib, 20 * mib, 45 * mib}, []int64{64 * mib}},
		{"a live heap that stays up raises it after the window", 64 * mib, 0, 3, []int64{20 * mib, 50 * mib, 50 * mib, 50 * mib}, []int64{64 * mib, 110 * mib}},
		{"a live heap that falls lowers it at once", 64 * mib, 0, 3, []int64{50 * mib, 50 * mib, 50 * mib, 20 * mib}, []int64{110 * mib, 64 * mib}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := 0
			read := func() (int64, int64) { return tc.live[i], 10 * mib }
			var set []int64
			f := newHeapFollower(tc.floor, tc.cgroup, tc.window, read, func(b int64) { set = append(set, b) })
			for i = 1; i < len(tc.live); i++ {
				f.adjust()
			}
			require.Equal(t, tc.want, set)
		})
	}
}

func TestReadHeap_reports_the_live_heap_and_the_runtime_besides_it(t *testing.T) {
	runtime.GC()
	live, other := readHeap()
	assert.Positive(t, live, "a test process has a live heap")
	assert.Positive(t, other, "and stacks and bookkeeping besides it")
}

func TestCgroupMemory_reads_v2_then_v1_and_treats_max_as_none(t *testing.T) {
	v2, v1 := "sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory/memory.limit_in_bytes"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"no cgroup files", nil, 0},
		{"v2 limit", map[string]string{v2: "536870912\n"}, 512 << 20},
		{"v2 without a limit", map[string]string{v2: "max\n"}, 0},
		{"v1 limit", map[string]string{v1: "268435456\n"}, 256 << 20},
		{"v1 unlimited (a huge number)", map[string]string{v1: "9223372036854771712\n"}, 0},
		{"v2 first", map[string]string{v2: "1073741824\n", v1: "268435456\n"}, 1 << 30},
		{"garbage is none", map[string]string{v2: "12ab\n"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			require.Equal(t, tc.want, cgroupMemory(fsys))
		})
	}
}
