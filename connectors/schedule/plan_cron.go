package schedule

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser parses standard five-field expressions (no seconds, no
// descriptors such as @daily, no TZ= prefix).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

const (
	// searchDays bounds the search for a matching day: a valid expression
	// matches at least once in eight years (29 February is missing from
	// 2097 to 2103).
	searchDays = 8*366 + 2
	// transitionWindow is how far before and after a wall time (or a day)
	// the offsets in force before and after it are read. It exceeds the
	// largest UTC offset, and twice it plus a day is shorter than the time
	// between two transitions of any zone.
	transitionWindow = 26 * time.Hour
)

// cronPlan ticks at the instants whose wall time in loc matches a cron
// expression (see the package documentation for daylight saving time).
type cronPlan struct {
	spec *cron.SpecSchedule
	loc  *time.Location
	// domStar, dowStar and hourStar tell which fields start with * or ?.
	domStar, dowStar, hourStar bool
}

func parseCron(expr string, loc *time.Location) (*cronPlan, error) {
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	s, err := cronParser.Parse(expr)
	if err != nil {
		return nil, err
	}
	spec, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unsupported expression %q", expr)
	}
	star := func(f string) bool { return f[0] == '*' || f[0] == '?' }
	return &cronPlan{spec: spec, loc: loc, domStar: star(fields[2]), dowStar: star(fields[4]), hourStar: star(fields[1])}, nil
}

func (p *cronPlan) next(t time.Time) (time.Time, bool) {
	day := localDate(t, p.loc).AddDate(0, 0, -1)
	for range searchDays {
		for _, at := range p.ticksOn(day) {
			if at.After(t) {
				return at, true
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}

func (p *cronPlan) prev(t time.Time) (time.Time, bool) {
	day := localDate(t, p.loc).AddDate(0, 0, 1)
	for range searchDays {
		ticks := p.ticksOn(day)
		for i := len(ticks) - 1; i >= 0; i-- {
			if !ticks[i].After(t) {
				return ticks[i], true
			}
		}
		day = day.AddDate(0, 0, -1)
	}
	return time.Time{}, false
}

// localDate returns t's calendar date in loc as midnight UTC: a date
// without a zone, whose arithmetic never meets daylight saving time.
func localDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ticksOn returns the ticks of a local calendar day, in order.
func (p *cronPlan) ticksOn(day time.Time) []time.Time {
	if !p.dayMatches(day) {
		return nil
	}
	// The offsets in force before and after the day; they differ only on
	// the few days near a daylight-saving change.
	before, after := p.offset(day.Add(-transitionWindow)), p.offset(day.Add(24*time.Hour+transitionWindow))
	out := make([]time.Time, 0, bits.OnesCount64(p.spec.Hour&(1<<24-1))*bits.OnesCount64(p.spec.Minute&(1<<60-1)))
	for h := range 24 {
		if p.spec.Hour&(1<<h) == 0 {
			continue
		}
		for m := range 60 {
			if p.spec.Minute&(1<<m) != 0 {
				wall := day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
				if before == after {
					out = append(out, wall.Add(-before))
				} else {
					out = p.appendInstants(out, wall)
				}
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

func (p *cronPlan) dayMatches(day time.Time) bool {
	if p.spec.Month&(1<<uint(day.Month())) == 0 {
		return false
	}
	dom := p.spec.Dom&(1<<uint(day.Day())) != 0
	dow := p.spec.Dow&(1<<uint(day.Weekday())) != 0
	if p.domStar || p.dowStar {
		return dom && dow
	}
	return dom || dow
}

// appendInstants appends the instants at which the wall time wall (a local
// time written as UTC) happens in loc: one normally, the first or both of
// two when the clocks went back, and a shifted one when they went forward.
func (p *cronPlan) appendInstants(out []time.Time, wall time.Time) []time.Time {
	before, after := p.offset(wall.Add(-transitionWindow)), p.offset(wall.Add(transitionWindow))
	first := wall.Add(-before)
	if before == after {
		return append(out, first)
	}
	second := wall.Add(-after)
	firstOK, secondOK := p.offset(first) == before, p.offset(second) == after
	switch {
	case firstOK && secondOK && p.hourStar:
		return append(out, first, second)
	case firstOK:
		return append(out, first)
	case secondOK:
		return append(out, second)
	}
	// Skipped by a jump forward: as late as the gap is long.
	return append(out, first)
}

// offset returns loc's UTC offset at instant t.
func (p *cronPlan) offset(t time.Time) time.Duration {
	_, off := t.In(p.loc).Zone()
	return time.Duration(off) * time.Second
}
