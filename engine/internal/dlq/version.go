package dlq

import (
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// NewerOrSame reports whether version a is at least as new as b. Versions
// are the text forms of what a pipeline's dead_letters.version gives:
// timestamps (RFC 3339) compare as times, numbers as numbers, anything else
// as text. An empty b (no version recorded) is older than anything.
func NewerOrSame(a, b string) bool {
	if b == "" {
		return true
	}
	if a == "" {
		return false
	}
	if ta, err := time.Parse(time.RFC3339Nano, a); err == nil {
		if tb, err := time.Parse(time.RFC3339Nano, b); err == nil {
			return !ta.Before(tb)
		}
	}
	if da, err := decimal.Parse(a); err == nil {
		if db, err := decimal.Parse(b); err == nil {
			return da.Cmp(db) >= 0
		}
	}
	return strings.Compare(a, b) >= 0
}
