package settlement

// Column names shared by both layouts.
const (
	colSettlementID  = "settlement-id"
	colStartDate     = "settlement-start-date"
	colEndDate       = "settlement-end-date"
	colDepositDate   = "deposit-date"
	colTotalAmount   = "total-amount"
	colCurrency      = "currency"
	colTransaction   = "transaction-type"
	colPostedDate    = "posted-date"
	colPostedTime    = "posted-date-time"
	colQuantity      = "quantity-purchased"
	colAmount        = "amount"
	colAmountType    = "amount-type"
	colAmountDescr   = "amount-description"
	colOtherFeeDescr = "other-fee-reason-description"
)

// textColumns are copied into Row fields as they are.
var textColumns = map[string]func(r *Row) *string{
	colTransaction:                func(r *Row) *string { return &r.TransactionType },
	"order-id":                    func(r *Row) *string { return &r.OrderID },
	"merchant-order-id":           func(r *Row) *string { return &r.MerchantOrderID },
	"adjustment-id":               func(r *Row) *string { return &r.AdjustmentID },
	"shipment-id":                 func(r *Row) *string { return &r.ShipmentID },
	"marketplace-name":            func(r *Row) *string { return &r.MarketplaceName },
	"fulfillment-id":              func(r *Row) *string { return &r.FulfillmentID },
	"order-item-code":             func(r *Row) *string { return &r.OrderItemCode },
	"merchant-order-item-id":      func(r *Row) *string { return &r.MerchantOrderItemID },
	"merchant-adjustment-item-id": func(r *Row) *string { return &r.MerchantAdjustmentItemID },
	"sku":                         func(r *Row) *string { return &r.SKU },
	"promotion-id":                func(r *Row) *string { return &r.PromotionID },
}

// amountColumn is one amount column of the flat-file layout.
type amountColumn struct {
	column      string // e.g. price-amount
	description string // the column naming the amount, e.g. price-type ("" if none)
	amountType  string // the V2 amount-type it corresponds to
}

// flatAmounts are the flat-file layout's amount columns in header order.
var flatAmounts = []amountColumn{
	{"shipment-fee-amount", "shipment-fee-type", "ShipmentFees"},
	{"order-fee-amount", "order-fee-type", "OrderFees"},
	{"price-amount", "price-type", "ItemPrice"},
	{"item-related-fee-amount", "item-related-fee-type", "ItemFees"},
	{"misc-fee-amount", "", "MiscFees"},
	{"other-fee-amount", colOtherFeeDescr, "OtherFees"},
	{"promotion-amount", "promotion-type", "Promotion"},
	{"direct-payment-amount", "direct-payment-type", "DirectPayment"},
	{"other-amount", "", "other-transaction"},
}

// requiredColumns must be in every report; each layout adds its own.
var requiredColumns = []string{colSettlementID, colStartDate, colEndDate, colDepositDate, colTotalAmount, colCurrency, colTransaction}

// v2Required are the V2 layout's amount columns.
var v2Required = []string{colAmountType, colAmountDescr, colAmount}

// knownColumns reports whether Parse reads a column.
func knownColumns() map[string]bool {
	known := map[string]bool{colPostedDate: true, colPostedTime: true, colQuantity: true, colOtherFeeDescr: true}
	for _, c := range requiredColumns {
		known[c] = true
	}
	for _, c := range v2Required {
		known[c] = true
	}
	for c := range textColumns {
		known[c] = true
	}
	for _, a := range flatAmounts {
		known[a.column] = true
		if a.description != "" {
			known[a.description] = true
		}
	}
	return known
}
