package expr_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

func TestParseTime_reads_every_amazon_format(t *testing.T) {
	env := newEnv(t)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2025-09-28T15:19:14Z", time.Date(2025, 9, 28, 15, 19, 14, 0, time.UTC)},
		{"2025-09-28T15:19:14.123Z", time.Date(2025, 9, 28, 15, 19, 14, 123e6, time.UTC)},
		{"2025-09-28T15:19:14+00:00", time.Date(2025, 9, 28, 15, 19, 14, 0, time.UTC)},
		{"2025-09-28T17:19:14+02:00", time.Date(2025, 9, 28, 15, 19, 14, 0, time.UTC)},
		{"2017-01-17 07:59:59 UTC", time.Date(2017, 1, 17, 7, 59, 59, 0, time.UTC)},
		{"2017-01-17 07:59:59.5 UTC", time.Date(2017, 1, 17, 7, 59, 59, 5e8, time.UTC)},
		{"14.03.2023 07:49:55 UTC", time.Date(2023, 3, 14, 7, 49, 55, 0, time.UTC)},
		{"2025-09-28", time.Date(2025, 9, 28, 0, 0, 0, 0, time.UTC)},
		{"17.01.2017", time.Date(2017, 1, 17, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			act := expr.NewActivation(expr.Data{Msg: tt.in})
			got := eval(t, env, act, `parseTime(msg)`).(time.Time)
			assert.True(t, tt.want.Equal(got), "got %v", got)
		})
	}
	for _, bad := range []string{"", "2025-13-01", "2025-09-28 15:19:14", "28/09/2025", "2025-09-28T15:19:14 UTC", "17.01.17"} {
		t.Run("rejects "+bad, func(t *testing.T) {
			act := expr.NewActivation(expr.Data{Msg: bad})
			assert.Contains(t, evalErr(t, env, act, `parseTime(msg)`), "parseTime: cannot parse")
		})
	}
}

func TestParseTime_keeps_the_offset_it_read(t *testing.T) {
	env := newEnv(t)
	act := expr.NewActivation(expr.Data{Msg: "2025-09-28T17:19:14+02:00"})
	assert.Equal(t, "2025-09-28 17:19:14.000", eval(t, env, act, `parseTime(msg).formatSQL()`))
	assert.Equal(t, "2025-09-28 15:19:14.000", eval(t, env, act, `parseTime(msg).formatSQL("UTC")`))
}

func TestTime_converts_to_named_zones(t *testing.T) {
	env := newEnv(t)
	tests := []struct{ at, zone, want string }{
		{"2026-01-15T12:00:00Z", "America/New_York", "2026-01-15 07:00:00.000"}, // EST
		{"2026-07-15T12:00:00Z", "America/New_York", "2026-07-15 08:00:00.000"}, // EDT
		{"2026-03-29T00:59:59.999Z", "Europe/Berlin", "2026-03-29 01:59:59.999"},
		{"2026-03-29T01:00:00Z", "Europe/Berlin", "2026-03-29 03:00:00.000"}, // DST starts
		{"2026-07-15T12:00:00.1234Z", "Asia/Kolkata", "2026-07-15 17:30:00.123"},
		{"2026-07-15T12:00:00Z", "UTC", "2026-07-15 12:00:00.000"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.at, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339Nano, tt.at)
			require.NoError(t, err)
			act := expr.NewActivation(expr.Data{Now: at, Msg: tt.zone})
			assert.Equal(t, tt.want, eval(t, env, act, `now.formatSQL(msg)`))
			assert.Equal(t, tt.want, eval(t, env, act, `now.inZone(msg).formatSQL()`))
			got := eval(t, env, act, `now.inZone(msg)`).(time.Time)
			assert.Equal(t, tt.zone, got.Location().String())
			assert.True(t, at.Equal(got))
		})
	}
	act := expr.NewActivation(expr.Data{Now: time.Now()})
	assert.Contains(t, evalErr(t, env, act, `now.inZone("Local")`), "must be an IANA name")
	assert.Contains(t, evalErr(t, env, act, `now.formatSQL("")`), "must be an IANA name")
	assert.Contains(t, evalErr(t, env, act, `now.format("2006", "Nowhere/Town")`), `unknown time zone "Nowhere/Town"`)
	assert.Contains(t, evalErr(t, env, act, `parseTime("1.2.2025", "2.1.2006", "Nowhere/Town")`), `unknown time zone`)
	assert.Contains(t, evalErr(t, env, act, `parseTime("x", "2006-01-02")`), `cannot parse "x" with layout "2006-01-02"`)
}
