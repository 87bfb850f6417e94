// Package component holds the contracts between the pipewright engine and its
// connectors: component factories, the source, sink and connection lifecycles,
// the message passed between them, durable state, CEL expressions that come from
// configuration, and the permanent/retryable error classes.
//
// It is the only engine package a connector imports. The engine never imports a
// connector: the binary hands the factories to the engine's registry.
package component
