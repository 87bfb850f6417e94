package simulator

import (
	"fmt"
	"strconv"
	"time"
)

// isoTime is how the simulator writes times: ISO 8601 in UTC with
// milliseconds, so that two changes of an order never share a timestamp.
const isoTime = "2006-01-02T15:04:05.000Z"

func iso(t time.Time) string { return t.UTC().Format(isoTime) }

// parseTime reads an ISO 8601 time as SP-API accepts it: with or without
// fractional seconds and zone (UTC assumed), or a bare date.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time", s)
}

// timeParam reads an optional time parameter; msg is the 400 message for a
// malformed one.
func (c *call) timeParam(name string) (t time.Time, set bool, msg string) {
	v := c.query.Get(name)
	if v == "" {
		return time.Time{}, false, ""
	}
	t, err := parseTime(v)
	if err != nil {
		return time.Time{}, false, fmt.Sprintf("%s: %v.", name, err)
	}
	return t, true, ""
}

// intParam reads an optional integer parameter within [lo, hi].
func (c *call) intParam(name string, def, lo, hi int) (int, string) {
	v := c.query.Get(name)
	if v == "" {
		return def, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Sprintf("%s must be between %d and %d.", name, lo, hi)
	}
	return n, ""
}

// list reads an array parameter.
func (c *call) list(name string) []string { return queryList(c.query[name]) }
