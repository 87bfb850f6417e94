package settlement

import (
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// dateLayouts are the date formats settlement reports use: Amazon.com style,
// continental European style, ISO 8601 with an offset, and date-only forms
// of the first two (posted-date).
var dateLayouts = []string{
	"2006-01-02 15:04:05 MST",
	"02.01.2006 15:04:05 MST",
	time.RFC3339,
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02",
	"02.01.2006",
}

// parseDate reads a report date. Zone abbreviations other than UTC/GMT carry
// no offset in Go, so only those two are accepted with the abbreviated forms.
func parseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if strings.HasSuffix(layout, "MST") {
			if zone, _ := t.Zone(); zone != "UTC" && zone != "GMT" {
				return time.Time{}, fmt.Errorf("%q: time zone %s is not supported (want UTC)", s, zone)
			}
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// numberFormat is a report's decimal separator, detected from the summary.
type numberFormat struct{ sep byte }

// detectNumberFormat picks the decimal separator from sample values (the
// total first): the last '.' or ',' in the first value that has one. Amazon
// prints no thousands separators.
func detectNumberFormat(samples ...string) numberFormat {
	for _, s := range samples {
		if i := strings.LastIndexAny(s, ".,"); i >= 0 {
			return numberFormat{sep: s[i]}
		}
	}
	return numberFormat{sep: '.'}
}

// parse reads an amount written with the report's separator.
func (f numberFormat) parse(s string) (decimal.Decimal, error) {
	other := byte(',')
	if f.sep == ',' {
		other = '.'
	}
	if strings.IndexByte(s, other) >= 0 {
		return decimal.Decimal{}, fmt.Errorf("%q is not a number in this report's format (decimal separator %q)", s, f.sep)
	}
	d, err := decimal.Parse(strings.Replace(s, string(f.sep), ".", 1))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a number", s)
	}
	return d, nil
}
