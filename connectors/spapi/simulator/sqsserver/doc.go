// Package sqsserver is an in-process Amazon SQS server that speaks SQS's
// JSON protocol (application/x-amz-json-1.0, X-Amz-Target:
// AmazonSQS.<Action>), the protocol the AWS SDK for Go v2 uses from
// service/sqs v1.28 on. Tests and the SP-API simulator start it in place of
// AWS, so an SQS intake is exercised with the real SDK client and no
// network.
//
// It implements what a queue consumer relies on, with AWS's documented
// semantics: CreateQueue, GetQueueUrl, GetQueueAttributes, SendMessage,
// ReceiveMessage (long polling up to 20 seconds, 1 to 10 messages, a
// visibility timeout per queue or per call, a new receipt handle on every
// receive, the ApproximateReceiveCount attribute), DeleteMessage (a stale
// receipt handle succeeds without deleting), ChangeMessageVisibility and
// DeleteQueue. A message whose visibility timeout ends without a delete is
// received again. Queue names ending in ".fifo" are FIFO queues: a message
// group is delivered in order, one in-flight batch at a time, and sends are
// de-duplicated for five minutes. Errors carry the JSON protocol's __type
// (for example com.amazonaws.sqs#QueueDoesNotExist) and the
// X-Amzn-Query-Error header with the legacy code (for example
// AWS.SimpleQueueService.NonExistentQueue), as AWS sends them.
//
// Time comes from a component.Clock, so tests move a manual clock instead
// of sleeping. Not implemented: batch actions, message attributes, tags,
// permissions, dead-letter redrive, purge and signature checks (any
// credentials are accepted).
package sqsserver
