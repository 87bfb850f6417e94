// Package simulator is a stateful simulator of the parts of Amazon's
// Selling Partner API that pipewright uses, for demos, tests and benchmarks
// where Amazon cannot be reached: `pipewright sandbox`, in process (New),
// or inside the engine as the spapi.simulator connection the binary
// registers for demos (NewConnectionFactory), on the engine's clock. It is
// demo and test code: no production package imports it (the import-rules
// test in cmd/pipewright checks), and the spapi connector reaches it like
// Amazon, through its endpoint, lwa_endpoint and credentials.
//
// One http.Handler serves Login with Amazon (/auth/o2/token: the
// refresh_token and client_credentials grants), the SP-API paths (Orders
// v2026-01-01 searchOrders and getOrder; Orders v0 confirmShipment, getOrders,
// getOrder and getOrderItems; Feeds; Reports, createReport for the returns
// report; Finances v0 listFinancialEvents; Listings Items; FBA Inventory;
// Tokens; Notifications destinations and subscriptions) and the pre-signed
// document URLs that Feeds and Reports hand out. Routes and default rate
// limits come from the embedded models (connectors/spapi/models); query
// parameters and request bodies are checked against them, and a contract
// test checks every answer against them too.
//
// The world runs in simulated time: Config.Clock, or the wall clock sped up
// by Config.TimeScale. A seeded order generator (Config.OrdersPerHour; a
// Poisson process) makes multi-line orders in the demo catalogue's
// marketplaces and currencies, FBA and merchant fulfilled, with promotions,
// shipping, tax and addresses as untidy as real ones. Orders move from
// PENDING to UNSHIPPED (a few are cancelled), FBA orders are shipped by the
// simulator, merchant orders wait for confirmShipment, and some buyers ask
// to cancel. Every change moves lastUpdatedTime and raises an ORDER_CHANGE
// notification, delivered to the destination its type is subscribed to
// (an SQS queue at Config.Notify.SQSEndpoint; nothing for a FIFO queue; an
// EventBridge event POSTed to the type's URL), or else pushed to
// Config.Notify.URL (raw, as SQS holds it, or in an EventBridge envelope;
// with a token header or an HMAC signature over "<unix time>.<body>"), and
// redelivered after a failure like an unacknowledged SQS message. FBA orders keep an FBA stock per SKU and
// marketplace (fulfillable, and reserved for FBA orders not shipped yet),
// which getInventorySummaries serves; each change raises an
// FBA_INVENTORY_AVAILABILITY_CHANGES notification, pushed to
// Config.Notify.FBAInventoryURL the same way. Feeds go IN_QUEUE, IN_PROGRESS, DONE over
// simulated time; JSON_LISTINGS_FEED patches change the listings and the
// processing report lists per-message issues. Every settlement period a V2
// settlement report per marketplace settles the order lines that shipped,
// the refunds (one order in ten), FBA reimbursements and fees, the
// subscription fee, the reserve held and released and a negative balance
// charged to the seller's card, all of them categories of Amazon's
// catalogue (connectors/spapi/settlement); its rows add up to its total
// exactly. Some orders are refunded (before shipment, after shipment with
// a return, partly, in full; see refunds.go): listFinancialEvents lists the
// refunds as refund events and the returns report
// (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE) their returns.
// Config.History starts the world with a backlog.
//
// Everything due by the clock's now happens before a request is answered,
// so a test that moves a manual clock and then calls the API sees a
// consistent world; Sync does the same without a request, and Start keeps
// the world moving (and notifications flowing) between requests. Order
// listings see the orders as of their first page, so a pagination token
// always gives the same page.
//
// Amazon's rate limits are enforced per seller (or application) and
// operation with the token bucket the client uses
// (connectors/internal/ratelimit), answering 429 in Amazon's shape,
// and Config.Faults injects errors, 5xx, latency, malformed bodies, a 429
// storm and unknown SKUs. CreateOrder, ShipOrder, PostRefund, Orders,
// Listings, Feeds, Reports, Notifications and Stats let tests and demos set
// up and inspect the world.
//
// With Config.StateFile the world survives restarts: it is saved every
// Config.SaveEvery and on Close (events are data, and the random sources'
// states are saved too) and loaded by New, so a restarted simulator goes on
// exactly as one that never stopped; what fell due while it was stopped
// happens at once. `pipewright sandbox -state FILE` and the spapi.simulator
// connection (persist) use it.
package simulator
