package simulator_test

import (
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// storedSettlements returns every settlement report's document, by
// marketplace, read from the simulator without calls (so without its rate
// limits).
func storedSettlements(t *testing.T, s *sim) map[string][]settlementFile {
	out := map[string][]settlementFile{}
	for _, r := range s.srv.Reports() {
		if r.Type != simulator.SettlementReportType {
			continue
		}
		data, ok := s.srv.Document(r.DocumentID)
		require.True(t, ok, r.DocumentID)
		out[r.MarketplaceIDs[0]] = append(out[r.MarketplaceIDs[0]], parseSettlement(t, data))
	}
	return out
}

// categories are the settlement categories of the reports, with how many
// amounts of each.
func categories(t *testing.T, byMarket map[string][]settlementFile) map[string]int {
	counts := map[string]int{}
	for _, files := range byMarket {
		for _, f := range files {
			for _, row := range f.rows {
				counts[settlement.CategoryKey(row["transaction-type"], row["amount-type"], row["amount-description"])]++
			}
		}
	}
	return counts
}

func TestSettlement_reports_carry_refunds_reimbursements_transfers_and_the_reserve_all_of_them_catalogued(t *testing.T) {
	// Few orders and short periods: some periods of a marketplace sell
	// nothing and end below zero, so the next one carries a card charge.
	s := settledSim(t, func(c *simulator.Config) { c.OrdersPerHour, c.SettlementPeriod = 6, time.Hour })
	counts := categories(t, storedSettlements(t, s))
	catalogued := map[string]bool{}
	for _, c := range settlement.Categories() {
		catalogued[c.Key()] = true
	}
	for k := range counts {
		assert.True(t, catalogued[k], "the simulator writes %s, which Amazon's catalogue (connectors/spapi/settlement/categories.csv) lacks", k)
	}
	for _, want := range []string{
		"order|itemprice|principal", "refund|itemprice|principal", "refund|itemfees|commission", "refund|itemfees|refundcommission",
		"refund|itemwithheldtax|marketplacefacilitatortax-principal", "refund|itemprice|shipping",
		"other-transaction|fba inventory reimbursement|warehouse_damage", "other-transaction|fba inventory reimbursement|reversal_reimbursement",
		"other-transaction|other-transaction|inbound transportation fee",
		"other-transaction|other-transaction|current reserve amount", "other-transaction|other-transaction|previous reserve amount balance",
		"other-transaction|other-transaction|payable to amazon", "other-transaction|other-transaction|successful charge",
	} {
		assert.Positive(t, counts[want], "no report has %s", want)
	}
}

func TestSettlement_releases_the_reserve_it_held_and_charges_the_card_for_a_negative_balance(t *testing.T) {
	s := settledSim(t, func(c *simulator.Config) { c.OrdersPerHour, c.SettlementPeriod = 6, time.Hour })
	releases, charges := 0, 0
	for mkt, files := range storedSettlements(t, s) {
		held, owed := decimal.MustNew(0, 2), decimal.MustNew(0, 2)
		for i, f := range files {
			get := func(desc string) (decimal.Decimal, bool) {
				for _, row := range f.rows {
					if row["transaction-type"] == "other-transaction" && row["amount-description"] == desc {
						return parseAmount(t, row["amount"]), true
					}
				}
				return decimal.Decimal{}, false
			}
			released, ok := get("Previous Reserve Amount Balance")
			if i > 0 && !held.IsZero() {
				assert.True(t, ok, "%s settlement %d releases the reserve held before", mkt, i)
				releases++
				assert.Equal(t, held.String(), released.String(), "%s settlement %d", mkt, i)
			} else {
				assert.False(t, ok, "%s settlement %d releases a reserve never held", mkt, i)
			}
			payable, ok := get("Payable to Amazon")
			if i > 0 && owed.IsNeg() {
				charged, _ := get("Successful charge")
				assert.True(t, ok, "%s settlement %d shows the balance payable", mkt, i)
				assert.Equal(t, owed.String(), payable.String())
				assert.Equal(t, owed.Neg().String(), charged.String(), "the card charge pays it")
				charges++
			}
			cur, ok := get("Current Reserve Amount")
			held = decimal.MustNew(0, 2)
			if ok {
				assert.True(t, cur.IsNeg(), "a reserve held is taken from the balance")
				held = cur.Neg()
			}
			// What the period itself came to, without what it carried over.
			owed = parseAmount(t, f.summary["total-amount"])
			for _, desc := range []string{"Previous Reserve Amount Balance", "Current Reserve Amount", "Payable to Amazon", "Successful charge"} {
				if a, ok := get(desc); ok {
					owed = add(owed, a.Neg())
				}
			}
		}
	}
	assert.Positive(t, releases, "reserves released")
	assert.Positive(t, charges, "negative balances charged")
}

func TestSettlement_refunds_give_back_the_lines_net_of_promotions_and_keep_part_of_the_referral_fee(t *testing.T) {
	s := settledSim(t, func(c *simulator.Config) { c.OrdersPerHour, c.SettlementPeriod = 6, time.Hour })
	orders := map[string]simulator.Order{}
	for _, o := range s.srv.Orders() {
		orders[o.ID] = o
	}
	refunded := 0
	for _, files := range storedSettlements(t, s) {
		for _, f := range files {
			byLine := map[string]map[string]decimal.Decimal{}
			for _, row := range f.rows {
				if row["transaction-type"] != "Refund" {
					continue
				}
				k := row["order-id"] + "/" + row["order-item-code"]
				if byLine[k] == nil {
					byLine[k] = map[string]decimal.Decimal{}
				}
				byLine[k][row["amount-type"]+"/"+row["amount-description"]] = parseAmount(t, row["amount"])
			}
			for k, amounts := range byLine {
				o := orders[k[:19]]
				require.NotEmpty(t, o.ID, k)
				for _, it := range o.Items {
					if it.ID != k[20:] {
						continue
					}
					refunded++
					net, err := it.Principal().Sub(it.Promotion)
					require.NoError(t, err)
					assert.Equal(t, net.Neg().String(), amounts["ItemPrice/Principal"].String(), "%s: the principal net of its promotion", k)
					commission, kept := amounts["ItemFees/Commission"], amounts["ItemFees/RefundCommission"]
					assert.True(t, commission.IsPos(), "%s: the referral fee is returned", k)
					assert.True(t, kept.IsNeg() && kept.Cmp(decimal.MustParse("-5.00")) >= 0, "%s: Amazon keeps part of it, at most 5.00: %s", k, kept)
				}
			}
		}
	}
	assert.Positive(t, refunded, "refunded lines")
}
