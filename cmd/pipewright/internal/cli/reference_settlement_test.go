package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
)

// The reference client's settlement GL table against what Amazon sends: the
// catalogue of settlement categories, the Finances API's charge and event
// types, and real reports.

const (
	referenceTables = "../../../../pipelines/sage500-amazon/tables/"
	// sharedSpapi is ../shared/spapi beside the repository (Amazon's models
	// and the genuine settlement samples).
	sharedSpapi = "../../../../../shared/spapi/"
)

// glTable is tables/settlement_gl_accounts.yaml.
type glTable struct {
	Suspense struct {
		Account string `yaml:"account"`
	} `yaml:"suspense"`
	Accounts   map[string]map[string]string `yaml:"accounts"`
	Categories map[string]string            `yaml:"categories"`
}

func readGLTable(t *testing.T) glTable {
	t.Helper()
	data, err := os.ReadFile(referenceTables + "settlement_gl_accounts.yaml")
	require.NoError(t, err)
	var gl glTable
	require.NoError(t, yaml.Unmarshal(data, &gl))
	require.NotEmpty(t, gl.Categories)
	require.NotEmpty(t, gl.Suspense.Account)
	return gl
}

// financesValues returns the values the Finances API v0 model lists for the
// charge and event types a settlement report prints ("ChargeType:Tax",
// "AdjustmentType:ReserveEvent", ...), read from its "Possible values".
func financesValues(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(sharedSpapi + "models/financesV0.json")
	require.NoError(t, err)
	var model struct {
		Definitions map[string]struct {
			Description string `json:"description"`
			Properties  map[string]struct {
				Description string `json:"description"`
			} `json:"properties"`
		} `json:"definitions"`
	}
	require.NoError(t, json.Unmarshal(data, &model))
	value := regexp.MustCompile("(?m)^\\s*\\* `([^`]+)`")
	var out []string
	add := func(kind, text string) {
		found := value.FindAllStringSubmatch(text, -1)
		require.NotEmpty(t, found, "financesV0.json lists no %s values", kind)
		for _, m := range found {
			out = append(out, kind+":"+m[1])
		}
	}
	add("ChargeType", model.Definitions["ChargeComponent"].Description)
	for _, f := range []struct{ def, prop string }{
		{"AdjustmentEvent", "AdjustmentType"}, {"DebtRecoveryEvent", "DebtRecoveryType"}, {"RetrochargeEvent", "RetrochargeEventType"},
	} {
		add(f.prop, model.Definitions[f.def].Properties[f.prop].Description)
	}
	return out
}

// sampleCategories returns the categories of the real and documented
// reports, each with the file it is in.
func sampleCategories(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(sharedSpapi + "samples/settlement/*.txt")
	require.NoError(t, err)
	more, err := filepath.Glob("../../../../connectors/spapi/settlement/testdata/v2-*.txt")
	require.NoError(t, err)
	files = append(files, more...)
	require.GreaterOrEqual(t, len(files), 4)
	out := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		s, err := settlement.ParseBytes(data, "text/plain; charset=windows-1252")
		require.NoError(t, err, f)
		for k := range s.CategoryCounts() {
			out[k] = filepath.Base(f)
		}
	}
	return out
}

// knownCategories derives every category known to come in a settlement
// report, each with where it is known from: the catalogue, the catalogue's
// entries for each value of the Finances model, and the samples.
func knownCategories(t *testing.T) map[string]string {
	t.Helper()
	known := map[string]string{}
	byFinances := map[string][]string{}
	for _, c := range settlement.Categories() {
		known[c.Key()] = "categories.csv (" + strings.Join(c.Sources, " ") + ")"
		if c.Finances != "" {
			byFinances[c.Finances] = append(byFinances[c.Finances], c.Key())
		}
	}
	for _, v := range financesValues(t) {
		keys := byFinances[v]
		assert.NotEmpty(t, keys, "the Finances model's %s has no category in connectors/spapi/settlement/categories.csv: add how settlement reports print it", v)
		for _, k := range keys {
			known[k] = "financesV0.json " + v
		}
	}
	for k, file := range sampleCategories(t) {
		known[k] = "sample " + file
	}
	return known
}

func TestReferenceSettlements_every_known_category_has_an_account(t *testing.T) {
	gl := readGLTable(t)
	known := knownCategories(t)
	require.Greater(t, len(known), 200)
	keys := make([]string, 0, len(known))
	for k := range known {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Run(k, func(t *testing.T) {
			acct, ok := gl.Categories[k]
			require.True(t, ok, "%s (from %s) is not in tables/settlement_gl_accounts.yaml: its amounts would go to suspense", k, known[k])
			assert.NotEqual(t, gl.Suspense.Account, acct, "%s is mapped to the suspense account", k)
			assert.Contains(t, gl.Accounts, acct, "%s goes to %s, which is not under accounts", k, acct)
		})
	}
}

func TestReferenceSettlements_every_fee_and_charge_mapped_on_orders_is_mapped_on_what_reverses_them(t *testing.T) {
	gl := readGLTable(t)
	itemTypes := map[string]bool{"itemprice": true, "itemfees": true, "itemwithheldtax": true, "promotion": true, "shipmentfees": true}
	checked := 0
	for k := range gl.Categories {
		parts := strings.SplitN(k, "|", 3)
		if parts[0] != "order" || !itemTypes[parts[1]] {
			continue
		}
		for _, reversal := range []string{"refund", "chargeback refund", "a-to-z guarantee refund"} {
			r := reversal + "|" + parts[1] + "|" + parts[2]
			_, ok := gl.Categories[r]
			assert.True(t, ok, "%s is mapped but %s is not", k, r)
			checked++
		}
	}
	assert.Greater(t, checked, 100)
}

func TestReferenceSettlements_balance_transfers_and_the_reserve_post_to_clearing_not_to_income_expense_or_suspense(t *testing.T) {
	gl := readGLTable(t)
	transfers := regexp.MustCompile(`(^|\|)(payable to amazon|successful charge|failed charge|micro deposit|current reserve amount|previous reserve amount balance)(\||$)`)
	n := 0
	for k, acct := range gl.Categories {
		if !transfers.MatchString(k) {
			continue
		}
		n++
		assert.NotEqual(t, gl.Suspense.Account, acct, k)
		assert.Regexp(t, `^1\d{3}$`, acct, "%s goes to %s: a transfer is a balance-sheet (1xxx) clearing account, not income or expense", k, acct)
	}
	assert.GreaterOrEqual(t, n, 10, "V2 and flat-file transfers and reserve")
}

// csvColumn reads one column of a reference table (comment lines, a header).
func csvColumn(t *testing.T, name, column string) []string {
	t.Helper()
	fh, err := os.Open(referenceTables + name)
	require.NoError(t, err)
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comment = '#'
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	col := -1
	for i, h := range recs[0] {
		if h == column {
			col = i
		}
	}
	require.GreaterOrEqual(t, col, 0, "%s has no column %s", name, column)
	var out []string
	for _, rec := range recs[1:] {
		out = append(out, strings.TrimSpace(rec[col]))
	}
	return out
}

func TestReferenceSettlements_every_marketplace_currency_has_a_clearing_account_and_a_rate(t *testing.T) {
	clearing, rates := map[string]bool{}, map[string]bool{}
	for _, c := range csvColumn(t, "settlement_clearing.csv", "currency") {
		clearing[c] = true
	}
	for _, c := range csvColumn(t, "exchange_rates.csv", "currency") {
		rates[c] = true
	}
	markets := map[string]string{}
	for _, m := range settlement.Marketplaces() {
		markets[m.ID] = m.Currency
	}
	ids, currencies := csvColumn(t, "marketplaces.csv", "marketplace_id"), csvColumn(t, "marketplaces.csv", "currency")
	for i, id := range ids {
		assert.Equal(t, markets[id], currencies[i], "tables/marketplaces.csv: %s settles in %s", id, markets[id])
	}
	for id, cur := range markets {
		assert.True(t, clearing[cur], "marketplace %s settles in %s, which tables/settlement_clearing.csv lacks", id, cur)
		assert.True(t, rates[cur], "marketplace %s settles in %s, which tables/exchange_rates.csv lacks", id, cur)
	}
}

func TestReferenceSettlements_every_account_is_in_the_demo_chart(t *testing.T) {
	chart := map[string]bool{}
	for _, no := range demoColumn(t, "SELECT GLAcctNo FROM tglAccount") {
		chart[no] = true
	}
	gl := readGLTable(t)
	accounts := append(csvColumn(t, "settlement_clearing.csv", "account"), gl.Suspense.Account)
	for a := range gl.Accounts {
		accounts = append(accounts, a)
	}
	for _, a := range accounts {
		assert.True(t, chart[a], "account %s is not in the demo chart: the journal would be dead-lettered", a)
	}
}
