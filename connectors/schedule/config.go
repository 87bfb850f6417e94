package schedule

import (
	"cmp"
	"time"
	_ "time/tzdata" // time zones without the system's zoneinfo (scratch containers)

	"github.com/pipewright/pipewright/engine/component"
)

// Config configures the schedule source.
//
// Publishes one message per tick of an interval or a cron schedule. A
// tick's id is <pipeline>@<scheduled time>, so several engine instances
// publish it once; the last tick is kept in state, so a restart neither
// repeats ticks nor, unless catch_up is set, replays those missed while
// stopped.
type Config struct {
	// Tick interval, at least 1s. Ticks fall on multiples of the interval
	// since 1970-01-01T00:00:00Z (every: 1h ticks on the hour in UTC), the
	// same on every instance. Not together with cron.
	Every component.Duration `yaml:"every"`
	// Five-field cron expression (minute hour day-of-month month
	// day-of-week; day-of-week 0-6 with Sunday 0, names such as MON and JAN,
	// lists, ranges and steps), evaluated in timezone. A time skipped by a
	// daylight-saving jump runs as much later as the jump; a repeated time
	// runs once, or twice when the hour field starts with *. Not together
	// with every.
	Cron string `yaml:"cron" schema:"minLength=1"`
	// IANA time zone of the cron expression and of scheduled_at, e.g.
	// Europe/Berlin (default UTC).
	Timezone string `yaml:"timezone" schema:"minLength=1"`
	// Template of the message body: an object whose string leaves are CEL
	// expressions (msg.scheduled_at and now are available). The source adds
	// scheduled_at (RFC 3339 in timezone). Default {}.
	Body component.Template `yaml:"body" schema:"type=object"`
	// On start, publish the latest tick missed while the engine was stopped,
	// once (default false: missed ticks are skipped).
	CatchUp bool `yaml:"catch_up"`
}

// NewConfig returns the defaults of the schedule source.
func NewConfig() *Config { return &Config{Timezone: "UTC"} }

// JSONSchemaExtend declares that exactly one of every and cron is set.
func (Config) JSONSchemaExtend(s map[string]any) {
	s["oneOf"] = []any{map[string]any{"required": []any{"every"}}, map[string]any{"required": []any{"cron"}}}
}

// referenceTime is where Validate looks for a first tick.
var referenceTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Validate checks the options.
func (c *Config) Validate() error {
	_, _, err := c.schedule()
	return err
}

// schedule returns the plan of the ticks and the time zone of the options,
// or the first problem with them.
func (c *Config) schedule() (plan, *time.Location, error) {
	switch {
	case c.Every == 0 && c.Cron == "":
		return nil, nil, component.FieldErrorf("every", "set every or cron")
	case c.Every != 0 && c.Cron != "":
		return nil, nil, component.FieldErrorf("cron", "set every or cron, not both")
	case c.Every != 0 && c.Every.D() < time.Second:
		return nil, nil, component.FieldErrorf("every", "want at least 1s, got %s", c.Every.D())
	}
	zone := cmp.Or(c.Timezone, "UTC")
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		return nil, nil, component.FieldErrorf("timezone", "unknown time zone %q: want an IANA name such as Europe/Berlin", zone)
	}
	if c.Every != 0 {
		return intervalPlan(c.Every), loc, nil
	}
	p, err := parseCron(c.Cron, loc)
	if err != nil {
		return nil, nil, component.FieldErrorf("cron", "%v", err)
	}
	if _, ok := p.next(referenceTime); !ok {
		return nil, nil, component.FieldErrorf("cron", "%q never matches a date", c.Cron)
	}
	return p, loc, nil
}
