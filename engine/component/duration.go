package component

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration written in configuration as a Go duration
// string such as "90s", "5m" or "1h30m". Schemas declare it as
// {"type": "string", "pattern": DurationPattern}.
type Duration time.Duration

// DurationPattern is the JSON Schema pattern for Duration values. It has no
// backslash, so it can be pasted into JSON text as it is.
const DurationPattern = `^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$`

// UnmarshalYAML parses a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("invalid duration %q: want a number with a unit, e.g. 90s or 5m", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
