package schedule

import (
	"time"
	_ "time/tzdata" // time zones without the system's zoneinfo (scratch containers)

	"github.com/pipewright/pipewright/engine/component"
)

// Config configures the schedule source.
type Config struct {
	// Every is the tick interval (at least 1s); ticks fall on multiples of
	// it since the Unix epoch. Exactly one of Every and Cron is set.
	Every component.Duration `yaml:"every"`
	// Cron is a five-field cron expression evaluated in Timezone.
	Cron string `yaml:"cron"`
	// Timezone is the IANA time zone of Cron and of scheduled_at (default
	// UTC).
	Timezone string `yaml:"timezone"`
	// Body is the template of the message body (default {}); the source
	// adds scheduled_at to its result, which must be an object.
	Body component.Template `yaml:"body"`
	// CatchUp publishes the latest tick missed while the engine was
	// stopped, once, on start.
	CatchUp bool `yaml:"catch_up"`

	plan plan
	loc  *time.Location
}

// referenceTime is where Validate looks for a first tick.
var referenceTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Validate checks the options, fills in the defaults and prepares the plan.
func (c *Config) Validate() error {
	switch {
	case c.Every == 0 && c.Cron == "":
		return component.FieldErrorf("every", "set every or cron")
	case c.Every != 0 && c.Cron != "":
		return component.FieldErrorf("cron", "set every or cron, not both")
	case c.Every != 0 && c.Every.D() < time.Second:
		return component.FieldErrorf("every", "want at least 1s, got %s", c.Every.D())
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "Local" {
		return component.FieldErrorf("timezone", "unknown time zone %q: want an IANA name such as Europe/Berlin", c.Timezone)
	}
	c.loc = loc
	if c.Every != 0 {
		c.plan = intervalPlan(c.Every)
		return nil
	}
	p, err := parseCron(c.Cron, loc)
	if err != nil {
		return component.FieldErrorf("cron", "%v", err)
	}
	if _, ok := p.next(referenceTime); !ok {
		return component.FieldErrorf("cron", "%q never matches a date", c.Cron)
	}
	c.plan = p
	return nil
}

const sourceSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Publishes one message per tick of an interval or a cron schedule. A tick's id is <pipeline>@<scheduled time>, so several engine instances publish it once; the last tick is kept in state, so a restart neither repeats ticks nor, unless catch_up is set, replays those missed while stopped.",
  "type": "object",
  "additionalProperties": false,
  "oneOf": [{"required": ["every"]}, {"required": ["cron"]}],
  "properties": {
    "every": {"type": "string", "pattern": "` + component.DurationPattern + `", "description": "Tick interval, at least 1s. Ticks fall on multiples of the interval since 1970-01-01T00:00:00Z (every: 1h ticks on the hour in UTC), the same on every instance. Not together with cron."},
    "cron": {"type": "string", "minLength": 1, "description": "Five-field cron expression (minute hour day-of-month month day-of-week; day-of-week 0-6 with Sunday 0, names such as MON and JAN, lists, ranges and steps), evaluated in timezone. A time skipped by a daylight-saving jump runs as much later as the jump; a repeated time runs once, or twice when the hour field starts with *. Not together with every."},
    "timezone": {"type": "string", "minLength": 1, "description": "IANA time zone of the cron expression and of scheduled_at, e.g. Europe/Berlin (default UTC)."},
    "body": {"type": "object", "description": "Template of the message body: an object whose string leaves are CEL expressions (msg.scheduled_at and now are available). The source adds scheduled_at (RFC 3339 in timezone). Default {}."},
    "catch_up": {"type": "boolean", "description": "On start, publish the latest tick missed while the engine was stopped, once (default false: missed ticks are skipped)."}
  }
}`
