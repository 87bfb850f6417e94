package cli_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// referenceTablesDir holds the reference client directory's lookup tables.
const referenceTablesDir = "../../../../pipelines/sage500-amazon/tables"

// skuOverride is a row of sku_overrides.csv: an Amazon listing SKU that is
// not the Sage ItemID, and whether the seller (MFN) or Amazon (AFN) ships it.
type skuOverride struct{ sku, item, channel string }

// readSKUOverrides reads sku_overrides.csv by its header names; # lines
// are comments.
func readSKUOverrides(r io.Reader) ([]skuOverride, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reading sku overrides: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("reading sku overrides: no header row")
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"seller_sku", "item_id", "channel"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("reading sku overrides: no column %s", name)
		}
	}
	out := make([]skuOverride, 0, len(rows)-1)
	for _, row := range rows[1:] {
		out = append(out, skuOverride{sku: row[col["seller_sku"]], item: row[col["item_id"]], channel: row[col["channel"]]})
	}
	return out, nil
}

// readItemListings reads item_listings.yaml: ItemID -> extra listing SKUs.
func readItemListings(r io.Reader) (map[string][]string, error) {
	listings := map[string][]string{}
	if err := yaml.NewDecoder(r).Decode(&listings); err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading item listings: %w", err)
	}
	return listings, nil
}

// listingDisagreements lists where the two tables disagree: every MFN
// override must be listed under its item, and every listed SKU must be an
// MFN override of that item (AFN stock and prices are Amazon's).
func listingDisagreements(overrides []skuOverride, listings map[string][]string) []string {
	var out []string
	bySKU := map[string]skuOverride{}
	for _, o := range overrides {
		bySKU[o.sku] = o
		switch {
		case o.channel != "MFN" && o.channel != "AFN":
			out = append(out, fmt.Sprintf("sku_overrides.csv: %s has channel %q, want MFN or AFN", o.sku, o.channel))
		case o.channel == "MFN" && !slices.Contains(listings[o.item], o.sku):
			out = append(out, fmt.Sprintf("item_listings.yaml: %s lacks %s (an MFN listing of it in sku_overrides.csv)", o.item, o.sku))
		}
	}
	for _, item := range slices.Sorted(maps.Keys(listings)) {
		for i, sku := range listings[item] {
			o, found := bySKU[sku]
			switch {
			case slices.Index(listings[item], sku) < i:
				out = append(out, fmt.Sprintf("item_listings.yaml: %s lists %s twice", item, sku))
			case sku == item:
				out = append(out, fmt.Sprintf("item_listings.yaml: %s lists itself (the ItemID is always a listing SKU)", item))
			case !found:
				out = append(out, fmt.Sprintf("item_listings.yaml: %s lists %s, which sku_overrides.csv does not map", item, sku))
			case o.item != item:
				out = append(out, fmt.Sprintf("item_listings.yaml: %s lists %s, which sku_overrides.csv maps to %s", item, sku, o.item))
			case o.channel == "AFN":
				out = append(out, fmt.Sprintf("item_listings.yaml: %s lists %s, an AFN (FBA) listing whose stock and price are Amazon's", item, sku))
			}
		}
	}
	return out
}

func TestReferenceListings_sku_overrides_and_item_listings_agree(t *testing.T) {
	f, err := os.Open(filepath.Join(referenceTablesDir, "sku_overrides.csv"))
	require.NoError(t, err)
	defer f.Close()
	overrides, err := readSKUOverrides(f)
	require.NoError(t, err)
	g, err := os.Open(filepath.Join(referenceTablesDir, "item_listings.yaml"))
	require.NoError(t, err)
	defer g.Close()
	listings, err := readItemListings(g)
	require.NoError(t, err)

	require.NotEmpty(t, listings, "the reference directory shows an item with an extra MFN listing")
	assert.Empty(t, listingDisagreements(overrides, listings))
}

func TestReferenceListings_disagreements_are_named(t *testing.T) {
	const header = "# comment\nseller_sku,item_id,channel\n"
	tests := []struct {
		name      string
		overrides string
		listings  string
		want      []string
	}{
		{
			name:      "agreeing tables",
			overrides: "WB-1-FBA,WB-1,AFN\nold-cg,CG-3,MFN\n",
			listings:  "CG-3: [old-cg]\n",
		},
		{
			name:      "an empty listings table with only AFN overrides",
			overrides: "WB-1-FBA,WB-1,AFN\n",
			listings:  "# nothing\n",
		},
		{
			name:      "an MFN override that is not listed",
			overrides: "old-cg,CG-3,MFN\n",
			listings:  "{}\n",
			want:      []string{"item_listings.yaml: CG-3 lacks old-cg (an MFN listing of it in sku_overrides.csv)"},
		},
		{
			name:      "a listing under another item than its override's",
			overrides: "old-cg,CG-3,MFN\n",
			listings:  "WB-1: [old-cg]\n",
			want: []string{
				"item_listings.yaml: CG-3 lacks old-cg (an MFN listing of it in sku_overrides.csv)",
				"item_listings.yaml: WB-1 lists old-cg, which sku_overrides.csv maps to CG-3",
			},
		},
		{
			name:      "an FBA listing",
			overrides: "WB-1-FBA,WB-1,AFN\n",
			listings:  "WB-1: [WB-1-FBA]\n",
			want:      []string{"item_listings.yaml: WB-1 lists WB-1-FBA, an AFN (FBA) listing whose stock and price are Amazon's"},
		},
		{
			name:      "a listing without an override",
			overrides: "",
			listings:  "CG-3: [new-cg]\n",
			want:      []string{"item_listings.yaml: CG-3 lists new-cg, which sku_overrides.csv does not map"},
		},
		{
			name:      "a listing twice and an item listing itself",
			overrides: "old-cg,CG-3,MFN\n",
			listings:  "CG-3: [old-cg, CG-3, old-cg]\n",
			want: []string{
				"item_listings.yaml: CG-3 lists itself (the ItemID is always a listing SKU)",
				"item_listings.yaml: CG-3 lists old-cg twice",
			},
		},
		{
			name:      "an unknown channel",
			overrides: "old-cg,CG-3,FBM\n",
			listings:  "{}\n",
			want:      []string{`sku_overrides.csv: old-cg has channel "FBM", want MFN or AFN`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			overrides, err := readSKUOverrides(strings.NewReader(header + tt.overrides))
			require.NoError(t, err)
			listings, err := readItemListings(strings.NewReader(tt.listings))
			require.NoError(t, err)
			assert.Equal(t, tt.want, listingDisagreements(overrides, listings))
		})
	}
}

func TestReferenceListings_a_table_without_a_needed_column_is_an_error(t *testing.T) {
	_, err := readSKUOverrides(strings.NewReader("seller_sku,item_id\nold-cg,CG-3\n"))
	assert.ErrorContains(t, err, "no column channel")
}
