package webhook

import "time"

// SetWallClock makes e check signed timestamps against now instead of
// time.Now, for deterministic tests.
func SetWallClock(e *Endpoint, now func() time.Time) { e.wallClock = now }
