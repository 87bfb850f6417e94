package expr

import (
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/govalues/decimal"
)

// maxParts bounds allocate's number of parts.
const maxParts = 10_000

// allocate splits total into len(weights) parts proportional to the
// weights, each with exactly places decimal places, that sum to total
// exactly. It uses the largest-remainder method: every part first gets its
// proportional share rounded toward zero, then the units left over go one
// each to the parts with the largest remainders (the earlier part on a tie).
func allocate(total decimal.Decimal, weights []decimal.Decimal, places int) ([]decimal.Decimal, error) {
	if len(weights) == 0 || len(weights) > maxParts {
		return nil, fmt.Errorf("allocate: want 1 to %d parts, got %d", maxParts, len(weights))
	}
	if total.Scale() > places && !total.Trunc(places).Equal(total) {
		return nil, fmt.Errorf("allocate: total %s has more than %d decimal places", total, places)
	}
	total = total.Trunc(places) // drops trailing zeros only
	units := scaledInt(total.Abs(), places)
	if units.BitLen() > 63 {
		return nil, errors.New("allocate: total too large")
	}
	w, sum, err := weightInts(weights)
	if err != nil {
		return nil, err
	}
	shares := make([]*big.Int, len(w))
	rems := make([]*big.Int, len(w))
	left := new(big.Int).Set(units)
	for i, wi := range w {
		shares[i], rems[i] = new(big.Int).QuoRem(new(big.Int).Mul(units, wi), sum, new(big.Int))
		left.Sub(left, shares[i])
	}
	order := make([]int, len(w))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].Cmp(rems[order[b]]) > 0 })
	for k := int64(0); k < left.Int64(); k++ {
		shares[order[k]].Add(shares[order[k]], big.NewInt(1))
	}
	parts := make([]decimal.Decimal, len(w))
	for i, s := range shares {
		v := s.Int64()
		if total.IsNeg() {
			v = -v
		}
		parts[i] = decimal.MustNew(v, places)
	}
	return parts, nil
}

// weightInts scales the weights to integers with a common scale and
// returns them with their sum, which must be positive.
func weightInts(weights []decimal.Decimal) ([]*big.Int, *big.Int, error) {
	scale := 0
	for _, w := range weights {
		if w.IsNeg() {
			return nil, nil, fmt.Errorf("allocate: weight %s is negative", w)
		}
		scale = max(scale, w.Scale())
	}
	ints := make([]*big.Int, len(weights))
	sum := new(big.Int)
	for i, w := range weights {
		ints[i] = scaledInt(w, scale)
		sum.Add(sum, ints[i])
	}
	if sum.Sign() == 0 {
		return nil, nil, errors.New("allocate: the weights sum to zero")
	}
	return ints, sum, nil
}

// scaledInt returns |d| * 10^scale for scale >= d.Scale() as an integer.
func scaledInt(d decimal.Decimal, scale int) *big.Int {
	n := new(big.Int).SetUint64(d.Coef())
	return n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale-d.Scale())), nil))
}
