// Package settlement parses Amazon settlement reports: the tab-separated
// GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 layout and the older flat-file
// layout (amounts spread over price-, fee-, promotion- and other-amount
// columns). Columns are found by header name, so extra columns are tolerated
// (and reported) and missing optional ones do not matter. Dates and numbers
// follow the marketplace locale: "2017-01-17 07:59:59 UTC",
// "17.01.2017 07:59:59 UTC", ISO 8601 with an offset, and decimal commas.
//
// The first data row is the settlement summary (dates, total-amount,
// currency); every later row is one amount component. Parse checks that the
// amounts sum exactly to total-amount and reports every problem with its
// line number; it never stops at the first one.
package settlement
