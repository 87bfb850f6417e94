// Package sage500demo is the Sage 500 side of the demo, apart from the
// connector: it creates and seeds the SQLite demo database (CreateDB, for
// `pipewright sage500 demo-db` and the tests), and stands in for the
// client's warehouse staff (ShipOpenOrders, ShipOrder, AddTrackingNumbers),
// which the demo.warehouse source runs on the engine's clock so that the
// shipment flow has something to confirm.
//
// It writes through the connector's own SQL dialects and table catalogue,
// so the demo database has Sage's tables, column types and widths, and
// keys and transaction numbers are allocated the way the sinks allocate
// them. The seed data comes from the demo catalogue the SP-API simulator
// sells from (connectors/internal/demo), so the two agree.
//
// It is demo code: the binary registers demo.warehouse beside the
// production components, but it refuses any connection other than the
// SQLite demo database, and no production package imports this one (the
// import-rules test in cmd/pipewright checks).
package sage500demo
