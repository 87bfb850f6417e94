package history

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/govalues/decimal"
)

// MaxWindow is the largest window a guard may keep per key.
const MaxWindow = 1000

// History is the last values observed for one key, oldest first, at most
// a window of them. Its JSON form is {"values": ["12.50", ...]}.
type History struct {
	Values []decimal.Decimal `json:"values"`
}

// Decode reads a history stored by Encode; no data is an empty history.
func Decode(data []byte) (*History, error) {
	h := &History{}
	if len(data) == 0 {
		return h, nil
	}
	if err := json.Unmarshal(data, h); err != nil {
		return nil, fmt.Errorf("decoding a guard history: %w", err)
	}
	return h, nil
}

// Encode writes the history for storage.
func (h *History) Encode() ([]byte, error) { return json.Marshal(h) }

// Add appends v and drops the oldest values beyond window (window < 1
// keeps one).
func (h *History) Add(v decimal.Decimal, window int) {
	h.Values = append(h.Values, v)
	if n := len(h.Values) - max(window, 1); n > 0 {
		h.Values = slices.Delete(h.Values, 0, n)
	}
}

// Stats are what a guard's rules read of a history.
type Stats struct {
	// Count is how many values the window holds.
	Count int
	// Median and MAD (the median of the absolute deviations from the
	// median), Last, Min and Max are zero for an empty history.
	Median, MAD, Last, Min, Max decimal.Decimal
}

// Stats computes the history's statistics.
func (h *History) Stats() (Stats, error) {
	s := Stats{Count: len(h.Values)}
	if s.Count == 0 {
		return s, nil
	}
	sorted := slices.Clone(h.Values)
	slices.SortFunc(sorted, decimal.Decimal.Cmp)
	s.Min, s.Max, s.Last = sorted[0], sorted[len(sorted)-1], h.Values[len(h.Values)-1]
	var err error
	if s.Median, err = median(sorted); err != nil {
		return s, err
	}
	dev := make([]decimal.Decimal, len(sorted))
	for i, v := range sorted {
		d, err := v.Sub(s.Median)
		if err != nil {
			return s, fmt.Errorf("guard statistics: %w", err)
		}
		dev[i] = d.Abs()
	}
	slices.SortFunc(dev, decimal.Decimal.Cmp)
	s.MAD, err = median(dev)
	return s, err
}

// median is the middle value of sorted values, or the mean of the two
// middle ones.
func median(sorted []decimal.Decimal) (decimal.Decimal, error) {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2], nil
	}
	m, err := decimal.Mean(sorted[n/2-1], sorted[n/2])
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("guard statistics: %w", err)
	}
	return m.Trim(0), nil
}
