// Package schedule is the schedule connector: its source publishes one
// message per tick of an interval (every) or a five-field cron expression
// in a time zone.
//
// A tick's message id is "<pipeline>@<scheduled time in UTC, RFC 3339>", so
// several engine instances against one NATS publish each tick once (the
// stream de-duplicates by id). The last published tick is kept in the
// component's state: a restart repeats no tick and, unless catch_up is set,
// does not replay the ticks missed while stopped; with catch_up the latest
// missed tick is published once on start. A source that wakes up late (a
// long publish outage, a suspended machine) publishes the latest due tick
// only. All time comes from the engine clock.
//
// Interval ticks fall on multiples of the interval since the Unix epoch, the
// same instants on every instance whatever its start time; the time zone
// only changes how scheduled_at is written.
//
// Cron expressions follow crontab(5): minute, hour, day of month, month and
// day of week (0-6, Sunday is 0; names such as MON and JAN; lists, ranges
// and steps). When both day fields are restricted (neither starts with *),
// a day matches either; otherwise it must match both. Daylight saving time
// is handled like cron daemons do: a time that does not exist because the
// clocks went forward runs as much later as the gap is long (02:30 becomes
// 03:30 when 02:00 jumps to 03:00), once even if several such times map to
// one instant; a time that happens twice because the clocks went back runs
// once, at its first occurrence, unless the hour field starts with * (an
// hourly or more frequent job), which runs at both.
package schedule

import "github.com/pipewright/pipewright/engine/component"

// Factories returns the connector's factories for the engine's registry.
func Factories() []component.Factory {
	return []component.Factory{NewSourceFactory()}
}
