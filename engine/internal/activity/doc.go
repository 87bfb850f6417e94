// Package activity keeps the record of what pipelines did with each
// business key (an Amazon order id, a SKU, a settlement id): delivered
// where, dead-lettered, retried, replayed, resolved. Events are filed in a
// JetStream stream under one subject per pipeline and key token, kept for
// the configured retention (MaxAge) and at most maxPerKey per key, so the
// record is bounded however busy the engine is. Writing is best effort and
// asynchronous: the record never slows or fails a message.
//
// Events hold ids, keys, sink names and dead-letter reasons (errors with
// their variable parts taken out), never message bodies, so the record
// holds no personal data; the console shows dead letters themselves
// through the dead-letter store, masked as the API masks them.
package activity
