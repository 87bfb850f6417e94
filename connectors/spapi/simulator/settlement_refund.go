package simulator

import (
	"hash/fnv"
	"time"

	"github.com/govalues/decimal"
)

// settledRefund is a refunded order line as a settlement report shows it:
// what the buyer got back (positive amounts), the referral fee Amazon
// returned to the seller and the part it kept (its refund administration
// fee).
type settledRefund struct {
	OrderItemID, SKU                      string
	Posted                                time.Time
	Principal, Shipping, Tax, ShippingTax decimal.Decimal
	Commission, RefundCommission          decimal.Decimal
}

var (
	// settledRefundAfter is how long after shipping a refunded order is
	// refunded.
	settledRefundAfter = 2 * time.Hour
	// Amazon keeps a share of the referral fee it returns on a refund, up
	// to a cap.
	keptCommissionRate = decimal.MustParse("0.20")
	keptCommissionMax  = cents(500)
)

// settledRefunds are the refunds a settlement shows for an order: one
// shipped order in ten (chosen by its id, so a restarted simulator chooses
// the same) is refunded in full settledRefundAfter shipping, every line,
// net of its promotions.
func settledRefunds(o *Order) []settledRefund {
	if o.ShippedAt.IsZero() {
		return nil
	}
	h := fnv.New32a()
	h.Write([]byte(o.ID))
	if h.Sum32()%10 != 0 {
		return nil
	}
	out := make([]settledRefund, len(o.Items))
	for i := range o.Items {
		it := &o.Items[i]
		r := settledRefund{
			OrderItemID: it.ID, SKU: it.SKU, Posted: o.ShippedAt.Add(settledRefundAfter),
			Principal: sub(it.Principal(), it.Promotion), Shipping: sub(it.Shipping, it.ShippingPromotion), Tax: zero, ShippingTax: zero,
		}
		if !o.TaxIncluded {
			r.Tax, r.ShippingTax = it.Tax, it.ShippingTax
		}
		r.Commission, r.RefundCommission = refundFees(r.Principal, r.Shipping)
		out[i] = r
	}
	return out
}

// refundRows are the Refund rows of a refunded order line: what the buyer
// got back (negative), the tax Amazon withheld given back where it is the
// marketplace facilitator, the referral fee returned and the part kept.
func refundRows(o *Order, r settledRefund) []settlementRow {
	base := orderRow(o)
	base.TransactionType, base.Posted, base.OrderItemCode, base.SKU = "Refund", r.Posted, r.OrderItemID, r.SKU
	var rows []settlementRow
	add := func(amountType, desc string, amount decimal.Decimal) {
		if !amount.IsZero() {
			row := base
			row.AmountType, row.AmountDescription, row.Amount = amountType, desc, amount
			rows = append(rows, row)
		}
	}
	add("ItemPrice", "Principal", r.Principal.Neg())
	add("ItemPrice", "Shipping", r.Shipping.Neg())
	add("ItemPrice", "Tax", r.Tax.Neg())
	add("ItemPrice", "ShippingTax", r.ShippingTax.Neg())
	if o.facilitatorTax() {
		add("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", r.Tax)
		add("ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping", r.ShippingTax)
	}
	add("ItemFees", "Commission", r.Commission)
	add("ItemFees", "RefundCommission", r.RefundCommission.Neg())
	return rows
}
