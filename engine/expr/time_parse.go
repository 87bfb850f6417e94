package expr

import (
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones work on machines without a zoneinfo database
)

// amazonLayouts are the layouts parseTime tries after RFC 3339. The ones
// ending in " UTC" are the settlement report formats; a trailing "UTC" is
// literal text to Go, so these parse in UTC.
var amazonLayouts = [...]string{
	"2006-01-02 15:04:05 UTC",
	"02.01.2006 15:04:05 UTC",
	"2006-01-02",
	"02.01.2006",
}

// parseTime parses RFC 3339 and Amazon's date formats. Times without an
// offset are UTC; a time with an offset keeps it.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range amazonLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("parseTime: cannot parse %q: want RFC 3339 (2025-09-28T15:19:14Z), "+
		"\"2017-01-17 07:59:59 UTC\", \"14.03.2023 07:49:55 UTC\", \"2025-09-28\" or \"17.01.2017\", or give a layout",
		abbreviate(s, 80))
}

// parseTimeLayout parses s with a Go layout, in zone when the layout has no
// offset.
func parseTimeLayout(s, layout string, zone *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(layout, s, zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("parseTime: cannot parse %q with layout %q", abbreviate(s, 80), layout)
	}
	return t, nil
}

// sqlDatetime is SQL Server's datetime literal format, yyyy-MM-dd HH:mm:ss.fff.
const sqlDatetime = "2006-01-02 15:04:05.000"

var zones sync.Map // zone name -> *time.Location

// loadZone returns the named IANA time zone ("Europe/Berlin", "UTC").
func loadZone(name string) (*time.Location, error) {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location), nil
	}
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("time zone must be an IANA name such as \"Europe/Berlin\" or \"UTC\", got %q", name)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", abbreviate(name, 40))
	}
	zones.Store(name, z)
	return z, nil
}
