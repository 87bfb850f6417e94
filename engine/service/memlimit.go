package service

import (
	"context"
	"io/fs"
	"math"
	"os"
	"runtime/debug"
	runtimemetrics "runtime/metrics"
	"slices"
	"time"

	"github.com/pipewright/pipewright/engine/config"
)

// DefaultMemoryFloor is the soft memory limit an engine that embeds the
// NATS server sets when neither server.memory_limit_mib nor GOMEMLIMIT
// says otherwise (ApplyMemoryLimit raises it for a larger live heap). It
// bounds the Go runtime's memory (heap, stacks, its own bookkeeping), not
// the executable's pages, which add about 40 MB to the resident memory.
// The standard benchmark keeps 20 to 40 MB live: the collector then runs
// before the heap has doubled, and freed memory goes back to the system at
// once instead of over minutes. The engine peaked at 107 to 110 MB resident
// at 50,000 to 400,000 orders (120 to 146 MB without it), at about 10 to
// 20% more CPU per order in most runs (bench/README.md, 2026-12-06).
const DefaultMemoryFloor = 72 << 20

// How often the default limit follows the live heap, and over how many of
// those readings: it follows the lowest live heap of the last followWindow
// readings, so the records in flight, which lift the live heap for moments,
// do not lift the limit with them.
const (
	followEvery  = time.Second
	followWindow = 10
)

// MemoryLimit is the soft memory limit ApplyMemoryLimit chose.
type MemoryLimit struct {
	// Bytes is the limit in force at start (math.MaxInt64: none).
	Bytes int64
	// From says where it came from: "server.memory_limit_mib",
	// "GOMEMLIMIT", "default" or "" (none).
	From string
	// Stop ends the default limit's following of the live heap (a no-op
	// for the others). Never nil.
	Stop func()
}

// ApplyMemoryLimit sets the process's soft memory limit and returns it.
// server.memory_limit_mib, in MiB, comes first (0: no limit), then the
// GOMEMLIMIT environment variable (the runtime's own). Without either, an
// engine that embeds the NATS server (no transport.url) gets the default:
// DefaultMemoryFloor, or, when it is more, the memory Go's own pacing
// (GOGC=100) lets the runtime reach: twice the live heap plus the runtime's
// memory besides the heap, where the live heap is the lowest of the last 10
// readings, one a second. So a project that keeps more live sees no more
// collections than without a limit once it has kept it for 10 seconds, only
// its freed memory given back at once, while the records in flight, which
// lift the live heap for a moment, make the collector run sooner instead of
// lifting the limit (and the resident memory) with them. Under a cgroup
// memory limit (a container) the limit stays at or below three quarters of
// that limit. An engine on an external NATS keeps the runtime's default
// (none): the heap may grow to twice what is live before the collector
// runs (GOGC).
//
// The limit is soft: a heap that needs more gets it, at the price of
// collections that run more often. It is process-wide: the command that
// runs an engine calls this once, at start, and Stop at the end.
func ApplyMemoryLimit(p *config.Project) MemoryLimit {
	lim := MemoryLimit{Stop: func() {}}
	m := p.Server.MemoryLimitMiB
	switch {
	case m != nil && (*m == 0 || *m > math.MaxInt64>>20):
		lim.Bytes, lim.From = math.MaxInt64, ""
	case m != nil:
		lim.Bytes, lim.From = *m<<20, "server.memory_limit_mib"
	case os.Getenv("GOMEMLIMIT") != "":
		return MemoryLimit{Bytes: debug.SetMemoryLimit(-1), From: "GOMEMLIMIT", Stop: lim.Stop}
	case p.Transport.URL != "":
		debug.SetMemoryLimit(math.MaxInt64)
		return MemoryLimit{Bytes: math.MaxInt64, Stop: lim.Stop}
	default:
		f := newHeapFollower(DefaultMemoryFloor, cgroupMemory(os.DirFS("/")), followWindow, readHeap, setMemoryLimit)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.run(ctx, followEvery)
		}()
		return MemoryLimit{Bytes: f.limit, From: "default", Stop: func() { cancel(); <-done }}
	}
	debug.SetMemoryLimit(lim.Bytes)
	return lim
}

func setMemoryLimit(b int64) { debug.SetMemoryLimit(b) }

// heapFollower keeps the soft memory limit at twice the live heap plus
// the runtime's memory besides the heap, never below floor nor above
// ceiling (0: none). The live heap it follows is the lowest of its last
// readings (window), what the process keeps live however busy it is.
type heapFollower struct {
	floor, ceiling int64
	read           func() (live, other int64)
	set            func(int64)
	limit          int64   // the limit set last
	lives          []int64 // the last readings of the live heap, oldest first
	window         int
}

// newHeapFollower sets the limit for the live heap now and returns the
// follower. ceiling is the cgroup's memory limit (0: none); the follower
// stays at three quarters of it, and lowers floor to that when it is less.
// window is how many readings the live heap it follows is the lowest of.
func newHeapFollower(floor, cgroup int64, window int, read func() (live, other int64), set func(int64)) *heapFollower {
	f := &heapFollower{floor: floor, ceiling: cgroup / 4 * 3, read: read, set: set, window: max(window, 1)}
	if f.ceiling > 0 && f.floor > f.ceiling {
		f.floor = f.ceiling
	}
	f.limit = f.want()
	set(f.limit)
	return f
}

func (f *heapFollower) want() int64 {
	live, other := f.read()
	if len(f.lives) == f.window {
		f.lives = f.lives[1:]
	}
	f.lives = append(f.lives, live)
	live = slices.Min(f.lives)
	w := max(f.floor, 2*live+other)
	if f.ceiling > 0 {
		w = min(w, f.ceiling)
	}
	return w
}

// adjust sets the limit for the live heap now: at once when it is more
// than the one set last, when it is less by more than a sixteenth (the
// live heap moves a little with every collection).
func (f *heapFollower) adjust() {
	w := f.want()
	if w > f.limit || f.limit-w > f.limit/16 {
		f.limit = w
		f.set(w)
	}
}

func (f *heapFollower) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.adjust()
		}
	}
}

// readHeap returns the heap the last collection marked live and the
// runtime's memory besides the heap (stacks, its bookkeeping), in bytes.
func readHeap() (live, other int64) {
	s := []runtimemetrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	runtimemetrics.Read(s)
	v := make([]int64, len(s))
	for i := range s {
		if s[i].Value.Kind() == runtimemetrics.KindUint64 {
			v[i] = int64(s[i].Value.Uint64())
		}
	}
	return v[0], max(v[1]-v[2]-v[3]-v[4]-v[5], 0)
}

// cgroupMemory is the memory limit of the process's cgroup in bytes, read
// from the cgroup v2 or v1 file system under root; 0 when there is none or
// it cannot be read.
func cgroupMemory(root fs.FS) int64 {
	for _, name := range []string{"sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := fs.ReadFile(root, name)
		if err != nil {
			continue
		}
		var n int64
		for _, c := range b {
			switch {
			case c >= '0' && c <= '9' && n < math.MaxInt64/10:
				n = n*10 + int64(c-'0')
			case c == '\n':
			default: // "max", or a number too large to be a limit
				return 0
			}
		}
		if n >= 1<<60 { // cgroup v1 writes its "unlimited" as a huge number
			return 0
		}
		return n
	}
	return 0
}
