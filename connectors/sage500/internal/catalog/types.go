package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the family of a SQL type.
type Kind int

// The SQL types Sage 500 tables use (README §0) and custom fields may use.
const (
	KindInt Kind = iota + 1
	KindSmallInt
	KindFloat
	KindDateTime
	KindVarChar
	KindDecimal
)

// MaxDecimalPrecision is the widest decimal the connector handles exactly
// (the 19 digits of github.com/govalues/decimal).
const MaxDecimalPrecision = 19

// MaxVarCharLength is SQL Server's widest non-max varchar.
const MaxVarCharLength = 8000

// Type is a SQL column type with its width.
type Type struct {
	Kind Kind
	// Length is the width of a varchar.
	Length int
	// Precision and Scale are those of a decimal.
	Precision, Scale int
	// Other is the database's name of a type outside the supported set
	// (Kind 0), as read from an existing table.
	Other string
}

var typePattern = regexp.MustCompile(`^(?i:(int|smallint|float|datetime)|varchar\(\s*(\d+)\s*\)|decimal\(\s*(\d+)\s*,\s*(\d+)\s*\))$`)

// ParseType parses a type as written in configuration or tables.txt:
// int, smallint, float, datetime, varchar(N) or decimal(P,S).
func ParseType(s string) (Type, error) {
	m := typePattern.FindStringSubmatch(strings.TrimSpace(s))
	switch {
	case m == nil:
		return Type{}, fmt.Errorf("unsupported SQL type %q: want int, smallint, float, datetime, varchar(N) or decimal(P,S)", s)
	case m[1] != "":
		return Type{Kind: map[string]Kind{"int": KindInt, "smallint": KindSmallInt, "float": KindFloat, "datetime": KindDateTime}[strings.ToLower(m[1])]}, nil
	case m[2] != "":
		n, _ := strconv.Atoi(m[2])
		if n < 1 || n > MaxVarCharLength {
			return Type{}, fmt.Errorf("varchar(%d): the length must be between 1 and %d", n, MaxVarCharLength)
		}
		return Type{Kind: KindVarChar, Length: n}, nil
	}
	p, _ := strconv.Atoi(m[3])
	sc, _ := strconv.Atoi(m[4])
	if p < 1 || p > MaxDecimalPrecision || sc > p {
		return Type{}, fmt.Errorf("decimal(%d,%d): want a precision from 1 to %d and a scale no larger than it", p, sc, MaxDecimalPrecision)
	}
	return Type{Kind: KindDecimal, Precision: p, Scale: sc}, nil
}

// String writes the type the way ParseType reads it.
func (t Type) String() string {
	switch t.Kind {
	case KindInt:
		return "int"
	case KindSmallInt:
		return "smallint"
	case KindFloat:
		return "float"
	case KindDateTime:
		return "datetime"
	case KindVarChar:
		return fmt.Sprintf("varchar(%d)", t.Length)
	case KindDecimal:
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	}
	return t.Other
}

// Covers reports whether every value of type o fits a column of type t
// unchanged: the same kind and at least as wide (for decimals, as many
// integer digits and as many decimal places).
func (t Type) Covers(o Type) bool {
	if t.Kind != o.Kind {
		return t.Kind == KindInt && o.Kind == KindSmallInt
	}
	switch t.Kind {
	case KindVarChar:
		return t.Length >= o.Length
	case KindDecimal:
		return t.Scale >= o.Scale && t.Precision-t.Scale >= o.Precision-o.Scale
	}
	return true
}
