// Package catalog describes the Sage 500 tables the connector touches: their
// columns with SQL Server types and widths, keys and indexes (tables.txt), and
// how a value from a message is checked against a column before it is bound
// (widths, decimal scales, integer ranges), so that nothing is ever truncated
// or rounded silently.
package catalog
