// Package dlq stores dead letters and their lifecycle in a JetStream stream.
//
// A record keeps the original message, the message as it entered the
// failing step, its metadata and lookup results, the error and the reason
// (the error with its variable parts taken out, which groups records), the
// attempt count and timestamps. A record is open until it is resolved: by a
// replay that delivered it, by a later delivery of the same business key at
// a version at least as new, or by an operator with a note. Resolved records
// are kept for a retention, then removed; personal data is removed from
// every record after its own retention.
//
// Each record lives on a subject of its own, ROOT.rec.PIPELINE.KEYTOKEN.SEQ,
// holding only its latest version (the stream keeps one message per
// subject). SEQ, the record's id, is the stream sequence of an empty marker
// on ROOT.id.HASH, HASH naming the failed message and step: a redelivery
// that fails again finds the open record instead of storing another.
// KEYTOKEN is a hash of the business key, so the open records of one key
// are found without reading the others.
package dlq
