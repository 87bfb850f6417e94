package simulator

import (
	"strconv"
	"strings"

	"github.com/govalues/decimal"
)

// settlementColumns is the V2 flat-file layout
// (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2), in order.
var settlementColumns = []string{
	"settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
	"transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
	"amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
	"order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased", "promotion-id",
}

// settlementLocale formats dates and amounts as a marketplace's reports do.
type settlementLocale struct {
	dateTime, date string
	comma          bool
}

var (
	localeUS = settlementLocale{dateTime: "2006-01-02 15:04:05 UTC", date: "2006-01-02"}
	localeDE = settlementLocale{dateTime: "02.01.2006 15:04:05 UTC", date: "02.01.2006", comma: true}
)

func (l settlementLocale) amount(d decimal.Decimal) string {
	s := d.Pad(2).String()
	if l.comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formatSettlement writes a V2 settlement report: a tab-separated header,
// the summary row (settlement id, period, deposit date, total, currency),
// then one row per amount, repeating only the settlement id.
func formatSettlement(st *settlement, german bool) []byte {
	loc := localeUS
	if german {
		loc = localeDE
	}
	var b strings.Builder
	line := func(fields []string) {
		b.WriteString(strings.Join(fields, "\t"))
		b.WriteByte('\n')
	}
	line(settlementColumns)
	summary := make([]string, len(settlementColumns))
	summary[0], summary[1], summary[2] = st.ID, st.Start.UTC().Format(loc.dateTime), st.End.UTC().Format(loc.dateTime)
	summary[3], summary[4], summary[5] = st.Deposit.UTC().Format(loc.dateTime), loc.amount(st.total()), st.Currency
	line(summary)
	for _, r := range st.Rows {
		qty := ""
		if r.Quantity > 0 {
			qty = strconv.Itoa(r.Quantity)
		}
		line([]string{
			st.ID, "", "", "", "", "", r.TransactionType, r.OrderID, r.OrderID, "", r.ShipmentID, marketplaceOf(st, r),
			r.AmountType, r.AmountDescription, loc.amount(r.Amount), r.FulfillmentID,
			r.Posted.UTC().Format(loc.date), r.Posted.UTC().Format(loc.dateTime),
			r.OrderItemCode, "", "", r.SKU, qty, r.PromotionID,
		})
	}
	return []byte(b.String())
}

// marketplaceOf names the marketplace on order rows (fee rows leave it
// blank).
func marketplaceOf(st *settlement, r settlementRow) string {
	if r.OrderID == "" {
		return ""
	}
	return st.Marketplace
}
