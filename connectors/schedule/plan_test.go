package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// White-box tests of the tick arithmetic, which the source tests exercise
// only through the clock: here every daylight-saving case is a table row.

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestCronPlan_next(t *testing.T) {
	tests := []struct {
		name string
		expr string
		zone string
		from string
		want []string
	}{
		{"daily time skipped by the spring jump runs an hour later", "30 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z",
			[]string{"2026-03-28T02:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"hourly job keeps one tick per real hour over the spring jump", "30 * * * *", "Europe/Berlin", "2026-03-28T23:00:00Z",
			[]string{"2026-03-29T00:30:00+01:00", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-29T04:30:00+02:00"}},
		{"skipped times that meet existing ones run once", "0,30 2,3 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z",
			[]string{"2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:00:00+02:00"}},
		{"daily time repeated by the autumn change runs once", "30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z",
			[]string{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		{"hourly job runs in both repeated hours", "30 * * * *", "Europe/Berlin", "2026-10-24T22:00:00Z",
			[]string{"2026-10-25T00:30:00+02:00", "2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00"}},
		{"a fixed hour with a minute step runs in the first repeated hour only", "*/20 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z",
			[]string{"2026-10-25T02:00:00+02:00", "2026-10-25T02:20:00+02:00", "2026-10-25T02:40:00+02:00", "2026-10-26T02:00:00+01:00"}},
		{"midnight skipped by a jump at midnight", "0 0 * * *", "America/Sao_Paulo", "2018-11-03T12:00:00Z",
			[]string{"2018-11-04T01:00:00-02:00", "2018-11-05T00:00:00-02:00"}},
		{"a repeated hour before midnight", "30 23 * * *", "America/Sao_Paulo", "2019-02-16T12:00:00Z",
			[]string{"2019-02-16T23:30:00-02:00", "2019-02-17T23:30:00-03:00"}},
		{"half-hour daylight saving", "15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z",
			[]string{"2026-10-04T02:45:00+11:00", "2026-10-05T02:15:00+11:00"}},
		{"weekdays", "0 9 * * MON-FRI", "UTC", "2026-03-27T10:00:00Z",
			[]string{"2026-03-30T09:00:00Z", "2026-03-31T09:00:00Z", "2026-04-01T09:00:00Z", "2026-04-02T09:00:00Z", "2026-04-03T09:00:00Z", "2026-04-06T09:00:00Z"}},
		{"sunday as 0", "0 12 * * 0", "UTC", "2026-03-27T00:00:00Z", []string{"2026-03-29T12:00:00Z", "2026-04-05T12:00:00Z"}},
		{"both day fields restricted: either matches", "0 0 1 * MON", "UTC", "2026-03-28T00:00:00Z",
			[]string{"2026-03-30T00:00:00Z", "2026-04-01T00:00:00Z", "2026-04-06T00:00:00Z"}},
		{"a day field starting with *: both must match", "0 0 */2 * MON", "UTC", "2026-03-01T00:00:00Z",
			[]string{"2026-03-09T00:00:00Z", "2026-03-23T00:00:00Z", "2026-04-13T00:00:00Z"}},
		{"leap day", "0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", []string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"strictly after a tick", "0 * * * *", "UTC", "2026-01-01T05:00:00Z", []string{"2026-01-01T06:00:00Z"}},
		{"month names", "0 0 1 JAN,JUL *", "Europe/Berlin", "2026-02-01T00:00:00Z", []string{"2026-07-01T00:00:00+02:00", "2027-01-01T00:00:00+01:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			p, err := parseCron(tt.expr, loc)
			require.NoError(t, err)
			at, err := time.Parse(time.RFC3339, tt.from)
			require.NoError(t, err)
			var got []string
			for range tt.want {
				next, ok := p.next(at)
				require.True(t, ok)
				got = append(got, next.In(loc).Format(time.RFC3339))
				at = next
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCronPlan_prev_is_the_last_tick_at_or_before(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	tests := []struct {
		expr string
		at   string
		want string
	}{
		{"30 * * * *", "2026-10-25T01:45:00Z", "2026-10-25T02:30:00+01:00"},
		{"30 * * * *", "2026-10-25T01:29:00Z", "2026-10-25T02:30:00+02:00"},
		{"30 * * * *", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00"},
		{"30 2 * * *", "2026-03-29T02:00:00Z", "2026-03-29T03:30:00+02:00"},
		{"0 0 29 2 *", "2031-06-01T00:00:00Z", "2028-02-29T00:00:00+01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.expr+" at "+tt.at, func(t *testing.T) {
			p, err := parseCron(tt.expr, berlin)
			require.NoError(t, err)
			at, err := time.Parse(time.RFC3339, tt.at)
			require.NoError(t, err)
			got, ok := p.prev(at)
			require.True(t, ok)
			assert.Equal(t, tt.want, got.In(berlin).Format(time.RFC3339))
		})
	}
}

func TestCronPlan_never_matching_expression_has_no_ticks(t *testing.T) {
	p, err := parseCron("0 0 30 2 *", time.UTC)
	require.NoError(t, err)
	_, ok := p.next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.False(t, ok)
	_, ok = p.prev(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.False(t, ok)
}

func TestIntervalPlan_aligns_on_the_epoch(t *testing.T) {
	p := intervalPlan(90 * time.Minute)
	at := time.Date(2026, 3, 29, 1, 10, 0, 0, time.UTC)
	next, _ := p.next(at)
	prev, _ := p.prev(at)
	assert.Equal(t, time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), next)
	assert.Equal(t, time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), prev)
	onTick, _ := p.prev(prev)
	assert.Equal(t, prev, onTick, "prev includes its argument")
	afterTick, _ := p.next(prev)
	assert.Equal(t, next, afterTick, "next excludes its argument")
	early, _ := p.prev(time.Unix(-1, 0))
	assert.Equal(t, time.Unix(-5400, 0).UTC(), early, "floors before the epoch too")
}

func BenchmarkCronPlan_next(b *testing.B) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(b, err)
	for _, expr := range []string{"* * * * *", "30 2 * * *", "0 9 * * MON-FRI", "0 0 29 2 *"} {
		p, err := parseCron(expr, berlin)
		require.NoError(b, err)
		b.Run(expr, func(b *testing.B) {
			at := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.next(at); !ok {
					b.Fatal("no tick")
				}
			}
		})
	}
}
