// Package spapi is the Amazon Selling Partner API connector: the "spapi"
// connection (LWA credentials, region or endpoint, one rate limiter shared
// by every component that names the connection and, through the project's
// shared state, by every engine of the project, and named queries for the
// lookup step), the sources
// spapi.orders (searchOrders polling plus ORDER_CHANGE notifications
// fetched with getOrder), spapi.notifications
// (other notification types) and spapi.settlements (settlement reports,
// fetched at once on REPORT_PROCESSING_FINISHED, polled as a safety net),
// and the sinks spapi.call (any operation of the embedded models),
// spapi.feed (JSON_LISTINGS_FEED inventory and price patches; results read
// on FEED_PROCESSING_FINISHED, getFeed as a safety net) and
// spapi.listing_issues (LISTINGS_ITEM_* notifications onto the engine's
// listing board).
//
// The connector is generic: it knows Amazon's mechanics (auth, rate limits,
// pagination, feeds, reports, notifications) and leaves business meaning to
// the pipeline configuration, and reaches Amazon or a stand-in for it (the
// SP-API simulator of package simulator) only through its endpoints and
// credentials. Notifications arrive on the shared webhook
// endpoint of connectors/internal/webhook (the options and checks of
// http.webhook), which hands each verified request to the intake here. Operations are named as in
// connectors/spapi/models (see LookupOperation there).
package spapi
