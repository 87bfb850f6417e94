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
func TestApplyMemoryLimit_takes_the_project_setting_else_leaves_GOMEMLIMIT(t *testing.T) {
	mib := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		name    string
		setting *int64
		env     string
		want    int64
	}{
		{"the setting in MiB", mib(64), "", 64 << 20},
		{"the setting over GOMEMLIMIT", mib(80), "300MiB", 80 << 20},
		{"0 switches the limit off", mib(0), "", math.MaxInt64},
		{"a setting too large for bytes is no limit", mib(math.MaxInt64), "", math.MaxInt64},
		{"GOMEMLIMIT when the setting is absent", nil, "300MiB", 123 << 20},
		{"none otherwise", nil, "", math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetMemoryLimit(-1)
			t.Cleanup(func() { debug.SetMemoryLimit(before) })
			t.Setenv("GOMEMLIMIT", tc.env)
			if tc.env != "" {
				// The runtime reads GOMEMLIMIT at start; stand in for it.
				debug.SetMemoryLimit(123 << 20)
			}
			p := &config.Project{Server: config.Server{MemoryLimitMiB: tc.setting}}
			require.Equal(t, tc.want, service.ApplyMemoryLimit(p))
			require.Equal(t, tc.want, debug.SetMemoryLimit(-1))
		})
	}
}
