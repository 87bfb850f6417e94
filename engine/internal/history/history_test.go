package history_test

import (
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/history"
)

func decimals(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = decimal.MustParse(s)
	}
	return out
}

func TestHistory_stats_are_the_median_and_the_spread_of_the_window(t *testing.T) {
	cases := []struct {
		name                          string
		values                        []string
		median, mad, last, minV, maxV string
	}{
		{"one value", []string{"19.99"}, "19.99", "0", "19.99", "19.99", "19.99"},
		{"odd count", []string{"3", "1", "2"}, "2", "1", "2", "1", "3"},
		{"even count averages the middle two", []string{"10.00", "12.00", "11.00", "13.00"}, "11.5", "1", "13.00", "10.00", "13.00"},
		{"one outlier moves neither median nor MAD much", []string{"20", "21", "19", "20", "200"}, "20", "1", "200", "19", "200"},
		{"exact cents", []string{"0.10", "0.20", "0.30"}, "0.20", "0.10", "0.30", "0.10", "0.30"},
		{"constant values have no spread", []string{"5", "5", "5", "5"}, "5", "0", "5", "5", "5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &history.History{Values: decimals(c.values...)}
			s, err := h.Stats()
			require.NoError(t, err)
			require.Equal(t, len(c.values), s.Count)
			for what, pair := range map[string][2]any{"median": {c.median, s.Median}, "mad": {c.mad, s.MAD},
				"last": {c.last, s.Last}, "min": {c.minV, s.Min}, "max": {c.maxV, s.Max}} {
				want := decimal.MustParse(pair[0].(string))
				require.Zerof(t, want.Cmp(pair[1].(decimal.Decimal)), "%s: want %s, got %s", what, want, pair[1])
			}
		})
	}
}

func TestHistory_empty_has_no_count(t *testing.T) {
	s, err := (&history.History{}).Stats()
	require.NoError(t, err)
	require.Zero(t, s.Count)
}

func TestHistory_keeps_only_the_window(t *testing.T) {
	cases := []struct {
		name   string
		window int
		add    []string
		want   []string
	}{
		{"below the window", 3, []string{"1", "2"}, []string{"1", "2"}},
		{"the oldest go first", 3, []string{"1", "2", "3", "4", "5"}, []string{"3", "4", "5"}},
		{"a window below one keeps one", 0, []string{"1", "2"}, []string{"2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &history.History{}
			for _, v := range c.add {
				h.Add(decimal.MustParse(v), c.window)
			}
			require.Equal(t, decimals(c.want...), h.Values)
		})
	}
}

func TestHistory_survives_encoding_exactly(t *testing.T) {
	h := &history.History{}
	for _, v := range []string{"0.1", "19.99", "1000000.005"} {
		h.Add(decimal.MustParse(v), 10)
	}
	data, err := h.Encode()
	require.NoError(t, err)
	require.JSONEq(t, `{"values": ["0.1", "19.99", "1000000.005"]}`, string(data))
	back, err := history.Decode(data)
	require.NoError(t, err)
	require.Equal(t, h.Values, back.Values)

	empty, err := history.Decode(nil)
	require.NoError(t, err)
	require.Empty(t, empty.Values)
	_, err = history.Decode([]byte("{"))
	require.Error(t, err)
}
