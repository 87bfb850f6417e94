package settlement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Value returns the settlement in the message value model (the body of the
// spapi.settlements source's messages and the output of Inspect):
//
//	settlement_id, layout, currency, start_date, end_date, deposit_date,
//	total_amount (decimal, as in the report), total_text (as printed),
//	rows_sum, reconciled, unknown_columns,
//	rows: [{line, transaction_type, order_id, merchant_order_id,
//	  adjustment_id, shipment_id, marketplace_name, fulfillment_id,
//	  posted_date, order_item_code, merchant_order_item_id,
//	  merchant_adjustment_item_id, sku, quantity_purchased, promotion_id,
//	  amounts: [{type, description, amount, column}]}],
//	problems: [{line, column, severity (error|warning), message}]
//
// Missing dates and quantities are null; amounts are exact decimals.
func (s *Settlement) Value() map[string]any {
	rows := make([]any, len(s.Rows))
	for i, r := range s.Rows {
		rows[i] = r.value()
	}
	problems := make([]any, len(s.Problems))
	for i, p := range s.Problems {
		severity := "error"
		if p.Warning {
			severity = "warning"
		}
		problems[i] = map[string]any{"line": int64(p.Line), "column": p.Column, "severity": severity, "message": p.Message}
	}
	unknown := make([]any, len(s.UnknownColumns))
	for i, c := range s.UnknownColumns {
		unknown[i] = c
	}
	return map[string]any{
		"settlement_id": s.ID, "layout": string(s.Layout), "currency": s.Currency,
		"start_date": timeValue(s.StartDate), "end_date": timeValue(s.EndDate), "deposit_date": timeValue(s.DepositDate),
		"total_amount": s.TotalAmount, "total_text": s.TotalText, "rows_sum": s.RowsSum, "reconciled": s.Reconciled,
		"unknown_columns": unknown, "rows": rows, "problems": problems,
	}
}

func (r Row) value() map[string]any {
	amounts := make([]any, len(r.Amounts))
	for i, a := range r.Amounts {
		amounts[i] = map[string]any{"type": a.Type, "description": a.Description, "amount": a.Amount, "column": a.Column}
	}
	var qty any
	if r.QuantityPurchased != nil {
		qty = *r.QuantityPurchased
	}
	return map[string]any{
		"line": int64(r.Line), "transaction_type": r.TransactionType, "order_id": r.OrderID,
		"merchant_order_id": r.MerchantOrderID, "adjustment_id": r.AdjustmentID, "shipment_id": r.ShipmentID,
		"marketplace_name": r.MarketplaceName, "fulfillment_id": r.FulfillmentID, "posted_date": timeValue(r.PostedDate),
		"order_item_code": r.OrderItemCode, "merchant_order_item_id": r.MerchantOrderItemID,
		"merchant_adjustment_item_id": r.MerchantAdjustmentItemID, "sku": r.SKU, "quantity_purchased": qty,
		"promotion_id": r.PromotionID, "amounts": amounts,
	}
}

func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// Inspect parses the report read from r and writes it to w as indented JSON
// (see Value); it is what `pipewright spapi settlement FILE` prints. It
// returns the exit code: 0 when the report parses and reconciles, 1
// otherwise (including when r cannot be read).
func Inspect(r io.Reader, w io.Writer) int {
	s, err := Parse(r)
	if err != nil {
		fmt.Fprintln(w, err)
		return 1
	}
	out, err := component.EncodeJSON(s.Value())
	if err != nil {
		fmt.Fprintln(w, err)
		return 1
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, out, "", "  "); err != nil {
		fmt.Fprintln(w, err)
		return 1
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return 1
	}
	if s.Err() != nil {
		return 1
	}
	return 0
}
