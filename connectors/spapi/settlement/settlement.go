package settlement

import (
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// Layout is the column layout of a report.
type Layout string

// The layouts Parse reads.
const (
	// LayoutV2 is GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2: one amount per
	// row in amount-type, amount-description and amount.
	LayoutV2 Layout = "v2"
	// LayoutFlatFile is the older GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE:
	// amounts spread over price-amount, item-related-fee-amount,
	// promotion-amount, other-amount and similar columns.
	LayoutFlatFile Layout = "flat-file"
)

// Settlement is a parsed settlement report.
type Settlement struct {
	// ID is the settlement-id.
	ID     string
	Layout Layout
	// StartDate, EndDate and DepositDate come from the summary row (zero
	// when absent).
	StartDate, EndDate, DepositDate time.Time
	Currency                        string
	// TotalAmount is the summary's total-amount; TotalText is how the
	// report prints it.
	TotalAmount decimal.Decimal
	TotalText   string
	// RowsSum is the sum of every amount of every detail row.
	RowsSum decimal.Decimal
	// Reconciled reports whether RowsSum equals TotalAmount exactly.
	Reconciled bool
	// SummaryLine is the line of the summary row.
	SummaryLine int
	// Rows are the detail rows in file order.
	Rows []Row
	// UnknownColumns lists header columns Parse does not know.
	UnknownColumns []string
	// Problems lists errors and warnings, in line order.
	Problems []Problem
}

// Row is one detail row.
type Row struct {
	// Line is the row's line number in the file (the header is line 1).
	Line                                                                int
	TransactionType                                                     string
	OrderID, MerchantOrderID, AdjustmentID, ShipmentID, MarketplaceName string
	FulfillmentID                                                       string
	PostedDate                                                          time.Time
	OrderItemCode, MerchantOrderItemID, MerchantAdjustmentItemID, SKU   string
	// QuantityPurchased is nil when the row has none.
	QuantityPurchased *int64
	PromotionID       string
	// Amounts holds the row's amounts: one in the V2 layout, one per filled
	// amount column in the flat-file layout (none on quantity-only rows).
	Amounts []Amount
}

// Amount is one amount component of a row.
type Amount struct {
	// Type is the V2 amount-type (ItemPrice, ItemFees, Promotion...); for the
	// flat-file layout it is derived from the column (price-amount is
	// ItemPrice, item-related-fee-amount is ItemFees...).
	Type string
	// Description is the V2 amount-description, or the flat file's matching
	// type column (price-type, item-related-fee-type...).
	Description string
	Amount      decimal.Decimal
	// Column is the column the amount came from.
	Column string
}

// Problem is something wrong or unexpected in a report.
type Problem struct {
	// Line is the line number (1 is the header).
	Line int
	// Column is the column concerned, or "".
	Column string
	// Message says what is wrong.
	Message string
	// Warning marks problems that do not stop the report from being used,
	// such as unknown extra columns.
	Warning bool
}

// String returns "line <n>: [<column>: ]<message>".
func (p Problem) String() string {
	s := fmt.Sprintf("line %d: ", p.Line)
	if p.Column != "" {
		s += p.Column + ": "
	}
	return s + p.Message
}

// Err returns the report's errors (not its warnings) joined, each naming its
// line, or nil when it parsed and reconciled.
func (s *Settlement) Err() error {
	var errs []error
	for _, p := range s.Problems {
		if !p.Warning {
			errs = append(errs, errors.New(p.String()))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("settlement report %s: %w", s.ID, errors.Join(errs...))
}
