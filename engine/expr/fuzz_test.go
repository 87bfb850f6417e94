package expr

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-09-28T15:19:14Z", "2025-09-28T15:19:14.123+02:00", "2017-01-17 07:59:59 UTC",
		"14.03.2023 07:49:55 UTC", "2025-09-28", "17.01.2017", "", "2025-02-30", "99.99.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s)
		if err != nil {
			assert.Contains(t, err.Error(), "parseTime: cannot parse")
			return
		}
		again, err := parseTime(got.Format(time.RFC3339Nano))
		require.NoError(t, err, "formatted %v", got)
		assert.True(t, got.Equal(again), "%q: %v then %v", s, got, again)
	})
}

func FuzzWrap(f *testing.F) {
	f.Add("1200 Industrial Parkway Building 7", 12, 3)
	f.Add("Müllerstraße  12\tHinterhaus", 5, 10)
	f.Add("abc", 1, 1)
	f.Fuzz(func(t *testing.T, s string, width, lines int) {
		if width < 1 || width > 100 || lines < 1 || lines > 100 {
			return
		}
		all, err := wrap(s, width, 1<<20, false)
		require.NoError(t, err)
		words, long := strings.Fields(s), false
		for _, w := range words {
			long = long || utf8.RuneCountInString(w) > width
		}
		if !long {
			assert.Equal(t, strings.Join(words, " "), strings.Join(all, " "), "lines keep the words")
		}
		for _, l := range all {
			assert.LessOrEqual(t, utf8.RuneCountInString(l), width, "line %q", l)
			assert.NotEmpty(t, l)
		}
		got, err := wrap(s, width, lines, false)
		if len(all) > lines {
			assert.Error(t, err)
		} else {
			assert.NoError(t, err)
			assert.Equal(t, all, got)
		}
		clipped, err := wrap(s, width, lines, true)
		require.NoError(t, err)
		assert.Equal(t, all[:min(lines, len(all))], clipped)
	})
}
