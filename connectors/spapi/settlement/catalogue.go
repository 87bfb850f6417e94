package settlement

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// The catalogues are data files beside this one, each row tagged with where
// it is known from.
var (
	//go:embed categories.csv
	categoriesCSV []byte
	//go:embed marketplaces.csv
	marketplacesCSV []byte
)

// Category is a kind of amount Amazon prints in settlement reports: a
// transaction-type, amount-type and amount-description (categories.csv).
type Category struct {
	TransactionType, AmountType, AmountDescription string
	// Finances is the Finances API v0 value the category corresponds to,
	// e.g. "ChargeType:ShippingCharge" ("" if none).
	Finances string
	// Sources tag where the category is known from, strongest first
	// (categories.csv explains the tags).
	Sources []string
}

// Key returns the category as the reference GL table writes it (CategoryKey).
func (c Category) Key() string {
	return CategoryKey(c.TransactionType, c.AmountType, c.AmountDescription)
}

// CategoryKey returns transaction-type|amount-type|amount-description in
// lower case: how a settlement flow compares an amount's category with its
// GL table. A flat-file amount's type and description are those of its
// column (Amount).
func CategoryKey(transactionType, amountType, amountDescription string) string {
	return strings.ToLower(transactionType + "|" + amountType + "|" + amountDescription)
}

// Categories returns the catalogue of settlement categories in file order.
func Categories() []Category {
	var out []Category
	for _, rec := range readCatalogue("categories.csv", categoriesCSV, 5) {
		out = append(out, Category{
			TransactionType: rec[0], AmountType: rec[1], AmountDescription: rec[2],
			Finances: rec[3], Sources: strings.Fields(rec[4]),
		})
	}
	return out
}

// Marketplace is an Amazon marketplace and the currency of its settlements
// (marketplaces.csv).
type Marketplace struct {
	ID, Country, Currency, Name string
}

// Marketplaces returns Amazon's marketplaces in file order.
func Marketplaces() []Marketplace {
	var out []Marketplace
	for _, rec := range readCatalogue("marketplaces.csv", marketplacesCSV, 4) {
		out = append(out, Marketplace{ID: rec[0], Country: rec[1], Currency: rec[2], Name: rec[3]})
	}
	return out
}

// readCatalogue reads an embedded CSV file: comment lines, a header, then
// rows of width fields.
func readCatalogue(name string, data []byte, width int) [][]string {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = width
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		panic(fmt.Sprintf("settlement: embedded %s: %v", name, err)) // embedded: caught by the package's tests
	}
	return recs[1:]
}

// CategoryCounts returns how many amounts of each category (CategoryKey)
// the settlement's rows have.
func (s *Settlement) CategoryCounts() map[string]int {
	counts := map[string]int{}
	for _, r := range s.Rows {
		for _, a := range r.Amounts {
			counts[CategoryKey(r.TransactionType, a.Type, a.Description)]++
		}
	}
	return counts
}
