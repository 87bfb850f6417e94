// Package flow executes a pipeline's steps for one message in-process: map,
// filter, validate, lookup, route, split, assert and changed. The runtime
// runs it between the durable stream and the sinks; the pipeline test runner
// runs it with mocked lookups. It does not touch the sinks.
package flow
