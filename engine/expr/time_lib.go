package expr

import (
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// timeLib parses Amazon's date formats and formats times for SQL.
var timeLib = &libSpec{
	name:  "pipewright.lib.time",
	title: "Time",
	intro: "A timestamp is an instant that carries a time zone: UTC for `now`, `timestamp(...)` and " +
		"times parsed without an offset, the parsed offset otherwise, the named zone after `inZone`. " +
		"Formatting uses that zone unless one is given. Zones are IANA names (`Europe/Berlin`, " +
		"`America/New_York`, `UTC`); the zone database is built in.",
	version: 1,
	fns: []fn{
		{
			name:   "parseTime",
			params: []string{"s", "layout", "zone"},
			doc: "Parses RFC 3339 (`2025-09-28T15:19:14Z`, `2025-09-28T15:19:14+00:00`) and Amazon's " +
				"report formats (`2017-01-17 07:59:59 UTC`, `14.03.2023 07:49:55 UTC`, `2025-09-28`, `17.01.2017`; " +
				"dates alone are midnight UTC). With a Go layout (reference time `2006-01-02 15:04:05`) it " +
				"parses that layout instead, in UTC or in the given zone when the layout has no offset.",
			examples: []string{
				`parseTime("2017-01-17 07:59:59 UTC") // timestamp("2017-01-17T07:59:59Z")`,
				`parseTime("14.03.2023 07:49:55 UTC") // timestamp("2023-03-14T07:49:55Z")`,
				`parseTime("2025-09-28T15:19:14+00:00") // timestamp("2025-09-28T15:19:14Z")`,
				`parseTime("2025-09-28") // timestamp("2025-09-28T00:00:00Z")`,
				`parseTime("17.01.2017") // timestamp("2017-01-17T00:00:00Z")`,
				`parseTime("09/28/2025 3:19 PM", "01/02/2006 3:04 PM") // timestamp("2025-09-28T15:19:00Z")`,
				`parseTime("2025-09-28 17:19:14", "2006-01-02 15:04:05", "Europe/Berlin") // timestamp("2025-09-28T15:19:14Z")`,
				`parseTime("yesterday") // error: cannot parse "yesterday"`,
			},
			overloads: []overload{
				{id: "parseTime_string", args: args(cel.StringType), result: cel.TimestampType,
					unary: func(s ref.Val) ref.Val { return timeResult(parseTime(string(s.(types.String)))) }},
				{id: "parseTime_string_string", args: args(cel.StringType, cel.StringType), result: cel.TimestampType,
					binary: func(s, layout ref.Val) ref.Val {
						return timeResult(parseTimeLayout(string(s.(types.String)), string(layout.(types.String)), time.UTC))
					}},
				{id: "parseTime_string_string_string", args: args(cel.StringType, cel.StringType, cel.StringType), result: cel.TimestampType,
					varfn: func(a ...ref.Val) ref.Val {
						zone, err := loadZone(string(a[2].(types.String)))
						if err != nil {
							return types.WrapErr(err)
						}
						return timeResult(parseTimeLayout(string(a[0].(types.String)), string(a[1].(types.String)), zone))
					}},
			},
		},
		{
			name:   "inZone",
			params: []string{"zone"},
			doc:    "Returns the same instant in the named time zone, which formatting and the result then use.",
			examples: []string{
				`timestamp("2025-09-28T15:19:14Z").inZone("America/New_York").formatSQL() // "2025-09-28 11:19:14.000"`,
				`timestamp("2025-09-28T15:19:14Z").inZone("Mars/Olympus") // error: unknown time zone "Mars/Olympus"`,
			},
			overloads: []overload{
				{id: "timestamp_inZone_string", member: true, args: args(cel.TimestampType, cel.StringType), result: cel.TimestampType,
					binary: func(t, zone ref.Val) ref.Val {
						z, err := loadZone(string(zone.(types.String)))
						if err != nil {
							return types.WrapErr(err)
						}
						return types.Timestamp{Time: t.(types.Timestamp).In(z)}
					}},
			},
		},
		layoutFn("formatSQL", "Formats for a SQL Server `datetime` column: `yyyy-MM-dd HH:mm:ss.fff` (milliseconds, truncated), in the timestamp's zone or the given one.", false,
			`timestamp("2025-09-28T15:19:14.5Z").formatSQL() // "2025-09-28 15:19:14.500"`,
			`timestamp("2025-09-28T15:19:14Z").formatSQL("Europe/Berlin") // "2025-09-28 17:19:14.000"`),
		layoutFn("format", "Formats with a Go layout (reference time `2006-01-02 15:04:05`), in the timestamp's zone or the given one.", true,
			`timestamp("2025-09-28T15:19:14Z").format("02.01.2006") // "28.09.2025"`,
			`timestamp("2025-09-28T23:30:00Z").format("2006-01-02", "Asia/Tokyo") // "2025-09-29"`),
	},
}

// layoutFn declares a timestamp formatting member: with a layout argument
// (format) or with the SQL layout (formatSQL), each with an optional zone.
func layoutFn(name, doc string, withLayout bool, examples ...string) fn {
	impl := func(a ...ref.Val) ref.Val {
		t, rest, layout := a[0].(types.Timestamp).Time, a[1:], sqlDatetime
		if withLayout {
			layout, rest = string(rest[0].(types.String)), rest[1:]
		}
		if len(rest) == 1 {
			z, err := loadZone(string(rest[0].(types.String)))
			if err != nil {
				return types.WrapErr(err)
			}
			t = t.In(z)
		}
		return types.String(t.Format(layout))
	}
	base := args(cel.TimestampType)
	if withLayout {
		base = append(base, cel.StringType)
	}
	id := "timestamp_" + name
	for range base[1:] {
		id += "_string"
	}
	params := []string{"zone"}
	if withLayout {
		params = []string{"layout", "zone"}
	}
	return fn{name: name, doc: doc, examples: examples, params: params, overloads: []overload{
		{id: id, member: true, args: base, result: cel.StringType, varfn: impl},
		{id: id + "_string", member: true, args: append(append([]*cel.Type{}, base...), cel.StringType), result: cel.StringType, varfn: impl},
	}}
}

func timeResult(t time.Time, err error) ref.Val {
	if err != nil {
		return types.WrapErr(err)
	}
	return types.Timestamp{Time: t}
}
