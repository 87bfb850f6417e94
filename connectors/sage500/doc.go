// Package sage500 is the Sage 500 ERP connector: Sage 500 has no web API,
// so the connector works through its database, a company on SQL Server or
// the embedded SQLite demo database with the same tables.
//
// Components (see docs/sage500.md for their options and documents):
//
//   - sage500: the connection, a database pool with the company's custom
//     fields, named queries and statements; it serves lookups
//     (component.Lookuper) and readiness (component.HealthChecker).
//   - sage500.sales_order: a sink creating sales orders the way Sage does
//     (keys, tran numbers, header, lines, distributions, ship-to address,
//     custom fields) or through Sage's staging import, idempotent by a
//     custom field, applying allowed status changes to existing orders.
//   - sage500.journal: a sink creating balanced GL journal batches,
//     idempotent by an external key.
//   - sage500.exec: a sink running a named statement per message.
//   - sage500.query: a source polling a named query with a watermark and a
//     durable cursor, publishing rows or grouped documents.
//
// Tools for the command line: DiffFields and ApplyFields. The demo
// database and the demo warehouse live apart, in package sage500demo.
//
// What differs between SQL Server and SQLite lives in internal/dialect; the
// Sage tables, columns and widths the connector knows are in
// internal/catalog/tables.txt.
package sage500
