package settlement_test

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
)

// sourceTags are the tags categories.csv explains.
var sourceTags = map[string]bool{
	"sample": true, "spapi-doc": true, "finances-v0": true, "fba-outbound-model": true, "sc-help-200141650": true,
	"sc-help-200378780": true, "synder": true, "public-code": true, "flat-file": true,
}

// samples are the reports of testdata: the two genuine Amazon.ca flat files
// and the V2 files built from Amazon's documentation.
var samples = []string{"ca-flatfile-v1-50041020342.txt", "ca-flatfile-v1-50051020370.txt", "v2-us.txt", "v2-de-cp1252.txt"}

func TestCategories_are_each_listed_once_with_their_sources(t *testing.T) {
	cats := settlement.Categories()
	require.Greater(t, len(cats), 100)
	finances := regexp.MustCompile(`^(ChargeType|FeeType|AdjustmentType|DebtRecoveryType|RetrochargeEventType):\S+$`)
	seen := map[string]bool{}
	for _, c := range cats {
		assert.False(t, seen[c.Key()], "%s is listed twice", c.Key())
		seen[c.Key()] = true
		assert.NotEmpty(t, c.TransactionType, "%s has no transaction type", c.Key())
		assert.NotEmpty(t, c.Sources, "%s has no source", c.Key())
		for _, s := range c.Sources {
			assert.True(t, sourceTags[s], "%s: source %q is not one categories.csv explains", c.Key(), s)
		}
		if c.Finances != "" {
			assert.Regexp(t, finances, c.Finances, c.Key())
		}
	}
}

func TestCategories_cover_every_category_of_the_samples_and_only_those_are_tagged_sample(t *testing.T) {
	inSamples := map[string]string{}
	for _, name := range samples {
		s, err := settlement.ParseBytes(read(t, name), "text/plain; charset=windows-1252")
		require.NoError(t, err)
		for k := range s.CategoryCounts() {
			inSamples[k] = name
		}
	}
	catalogued := map[string]settlement.Category{}
	for _, c := range settlement.Categories() {
		catalogued[c.Key()] = c
	}
	for k, file := range inSamples {
		c, ok := catalogued[k]
		if assert.True(t, ok, "%s (in %s) is not in categories.csv", k, file) {
			assert.Contains(t, c.Sources, "sample", "%s is in %s: tag it sample", k, file)
		}
	}
	for k, c := range catalogued {
		if _, ok := inSamples[k]; !ok {
			assert.NotContains(t, c.Sources, "sample", "%s is tagged sample but no sample has it", k)
		}
	}
}

func TestCategoryCounts_counts_the_amounts_of_each_category(t *testing.T) {
	s, err := settlement.Parse(bytes.NewReader(read(t, "v2-us.txt")))
	require.NoError(t, err)
	counts := s.CategoryCounts()
	assert.Equal(t, 2, counts["order|itemprice|principal"])
	assert.Equal(t, 1, counts["other-transaction|fba inventory reimbursement|warehouse_damage"])
	total := 0
	for _, n := range counts {
		total += n
	}
	assert.Equal(t, len(s.Rows), total, "a V2 row has one amount")
}

func TestMarketplaces_have_an_id_a_country_and_a_currency(t *testing.T) {
	ms := settlement.Marketplaces()
	require.Len(t, ms, 23, "the SP-API Marketplace IDs page lists 23")
	ids := map[string]bool{}
	for _, m := range ms {
		assert.Regexp(t, `^[A-Z0-9]{9,15}$`, m.ID)
		assert.False(t, ids[m.ID], "%s twice", m.ID)
		ids[m.ID] = true
		assert.Regexp(t, `^[A-Z]{2}$`, m.Country, m.ID)
		assert.Regexp(t, `^[A-Z]{3}$`, m.Currency, m.ID)
		assert.Regexp(t, `^Amazon\.`, m.Name, m.ID)
	}
}
