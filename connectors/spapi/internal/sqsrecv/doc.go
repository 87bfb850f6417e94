// Package sqsrecv reads an Amazon SQS standard queue with the AWS SDK for
// Go v2: a Receiver long-polls for a batch, keeps the batch's messages
// hidden from other readers (ChangeMessageVisibility) while the caller
// works them, and deletes each one the caller has made durable. A message
// the caller does not delete comes back after its visibility timeout, so a
// reader killed between receive and delete loses nothing; the caller
// de-duplicates what it receives twice.
//
// The SP-API notification intake (spapi.orders, spapi.notifications) and
// the LWA client-secret rotation use it.
package sqsrecv
