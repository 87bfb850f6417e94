package webhook

import (
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// ByteSize is a size in bytes, written in configuration as an integer or as
// a string with a unit: 512KiB, 1MiB, 2MB (KB and MB are powers of 1000,
// KiB and MiB powers of 1024).
type ByteSize int64

// ByteSizePattern is the JSON Schema pattern for ByteSize strings.
const ByteSizePattern = `^[0-9]+ ?(B|KB|KiB|MB|MiB)?$`

var byteSizeRE = regexp.MustCompile(ByteSizePattern)

var byteUnits = map[string]int64{"": 1, "B": 1, "KB": 1000, "KiB": 1 << 10, "MB": 1000 * 1000, "MiB": 1 << 20}

// ParseByteSize parses an integer with an optional unit.
func ParseByteSize(s string) (ByteSize, error) {
	m := byteSizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("invalid size %q: want a number of bytes or a number with a unit (KB, KiB, MB, MiB)", s)
	}
	digits := s[:len(s)-len(m[1])]
	if len(digits) > 0 && digits[len(digits)-1] == ' ' {
		digits = digits[:len(digits)-1]
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	unit := byteUnits[m[1]]
	if err != nil || n > (1<<62)/unit {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return ByteSize(n * unit), nil
}

// JSONSchema declares a size: an integer, or a string with a unit.
func (ByteSize) JSONSchema() map[string]any {
	return map[string]any{"type": []any{"integer", "string"}, "pattern": ByteSizePattern}
}

// UnmarshalYAML accepts an integer or a string with a unit.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a size such as 1MiB", n.Line)
	}
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return err
	}
	*b = v
	return nil
}
