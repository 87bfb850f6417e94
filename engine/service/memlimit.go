package service

import (
	"math"
	"runtime/debug"

	"github.com/pipewright/pipewright/engine/config"
)

// ApplyMemoryLimit sets the process's soft memory limit from the
// project's server.memory_limit_mib, in MiB (0: no limit), and returns the
// limit in force in bytes (math.MaxInt64: none). Without the setting the
// runtime's stays: GOMEMLIMIT's when set, else none, and the heap may grow
// to twice what is live before the collector runs (GOGC). The limit is
// soft: a heap that needs more gets it, at the price of collections that
// run more often. It is process-wide: the command that runs an engine
// calls this once, at start.
func ApplyMemoryLimit(p *config.Project) int64 {
	m := p.Server.MemoryLimitMiB
	switch {
	case m == nil:
		return debug.SetMemoryLimit(-1)
	case *m == 0 || *m > math.MaxInt64>>20:
		debug.SetMemoryLimit(math.MaxInt64)
		return math.MaxInt64
	default:
		debug.SetMemoryLimit(*m << 20)
		return *m << 20
	}
}
