package schedule

import "time"

// plan computes tick times. Implementations are pure functions of their
// arguments and safe for concurrent use.
type plan interface {
	// next returns the first tick strictly after t, false if there is none
	// in the years searched.
	next(t time.Time) (time.Time, bool)
	// prev returns the last tick at or before t, false if there is none in
	// the years searched.
	prev(t time.Time) (time.Time, bool)
}

// intervalPlan ticks at the multiples of a duration since the Unix epoch.
type intervalPlan time.Duration

func (p intervalPlan) prev(t time.Time) (time.Time, bool) {
	d := int64(p)
	n := t.UnixNano()
	q := n / d
	if n%d != 0 && n < 0 {
		q--
	}
	return time.Unix(0, q*d).UTC(), true
}

func (p intervalPlan) next(t time.Time) (time.Time, bool) {
	at, _ := p.prev(t)
	return at.Add(time.Duration(p)), true
}
