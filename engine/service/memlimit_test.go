package service_test

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

// The memory limit is process-wide: these cases run one after the other
// (no t.Parallel) and put the limit back.
func TestApplyMemoryLimit_takes_the_setting_then_GOMEMLIMIT_then_the_default_for_embedded_NATS(t *testing.T) {
	mib := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		name    string
		setting *int64
		env     string
		url     string
		want    int64 // exact; 0: the default, at least DefaultMemoryFloor
		from    string
	}{
		{"the setting in MiB", mib(64), "", "", 64 << 20, "server.memory_limit_mib"},
		{"the setting over GOMEMLIMIT", mib(80), "300MiB", "", 80 << 20, "server.memory_limit_mib"},
		{"0 switches the limit off", mib(0), "", "", math.MaxInt64, ""},
		{"0 switches it off on external NATS too", mib(0), "", "nats://n:4222", math.MaxInt64, ""},
		{"a setting too large for bytes is no limit", mib(math.MaxInt64), "", "", math.MaxInt64, ""},
		{"GOMEMLIMIT when the setting is absent", nil, "300MiB", "", 123 << 20, "GOMEMLIMIT"},
		{"GOMEMLIMIT on external NATS", nil, "300MiB", "nats://n:4222", 123 << 20, "GOMEMLIMIT"},
		{"none on external NATS otherwise", nil, "", "nats://n:4222", math.MaxInt64, ""},
		{"the default with the embedded server", nil, "", "", 0, "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetMemoryLimit(-1)
			t.Cleanup(func() { debug.SetMemoryLimit(before) })
			t.Setenv("GOMEMLIMIT", tc.env)
			if tc.env != "" {
				// The runtime reads GOMEMLIMIT at start; stand in for it.
				debug.SetMemoryLimit(123 << 20)
			}
			p := &config.Project{Server: config.Server{MemoryLimitMiB: tc.setting}, Transport: config.Transport{URL: tc.url}}
			got := service.ApplyMemoryLimit(p)
			got.Stop()
			require.Equal(t, tc.from, got.From)
			require.Equal(t, got.Bytes, debug.SetMemoryLimit(-1), "the limit in force")
			if tc.want != 0 {
				require.Equal(t, tc.want, got.Bytes)
				return
			}
			// At least the floor (the test process's live heap may ask for
			// more), or less under a small cgroup limit.
			require.Less(t, got.Bytes, int64(math.MaxInt64))
			require.Positive(t, got.Bytes)
		})
	}
}
