// Package history keeps the recent values of one key (a SKU's price, an
// item's ordered quantity, a seller's fee rate) in a bounded window, and
// the robust statistics a data-quality guard compares a new value with:
// the median and the median absolute deviation (MAD). Values are exact
// decimals; nothing goes through float64.
package history
