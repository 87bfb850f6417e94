package service

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestHeapFollower_keeps_the_limit_at_twice_the_live_heap_within_floor_and_cgroup(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name          string
		floor, cgroup int64
		live          []int64 // live heap at start, then at each adjust
		want          []int64 // the limits set, in order
	}{
		{"a small heap gets the floor", 64 * mib, 0, []int64{10 * mib, 30 * mib}, []int64{64 * mib}},
		{"a larger heap twice itself", 64 * mib, 0, []int64{10 * mib, 50 * mib, 200 * mib}, []int64{64 * mib, 100 * mib, 400 * mib}},
		{"back to the floor when the heap shrinks", 64 * mib, 0, []int64{100 * mib, 20 * mib}, []int64{200 * mib, 64 * mib}},
		{"small moves leave the limit", 64 * mib, 0, []int64{100 * mib, 103 * mib, 98 * mib}, []int64{200 * mib}},
		{"never above three quarters of the cgroup", 64 * mib, 400 * mib, []int64{100 * mib, 300 * mib}, []int64{200 * mib, 300 * mib}},
		{"a cgroup smaller than the floor lowers it", 64 * mib, 64 * mib, []int64{1 * mib}, []int64{48 * mib}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := 0
			live := func() int64 { return tc.live[i] }
			var set []int64
			f := newHeapFollower(tc.floor, tc.cgroup, live, func(b int64) { set = append(set, b) })
			for i = 1; i < len(tc.live); i++ {
				f.adjust()
			}
			require.Equal(t, tc.want, set)
		})
	}
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
