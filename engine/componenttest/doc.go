// Package componenttest provides in-memory stand-ins for what the engine
// gives components (state, publisher, dead-letter recorder, HTTP registrar,
// a manual clock) so connectors can be tested without the runtime, and
// test components the engine's own tests use instead of connectors
// (Factories: the test.lines source and sink, the test.hook source, the
// test.nop sink), so that no engine package, tests included, imports a
// connector. The test sources are a poller and a pusher run by the
// engine's source runner like every connector's, and pass the conformance
// suite (engine/connectortest); CreateSource wraps a source in that runner
// for tests. SchemaMatchesConfig checks that a factory's schema and config
// struct declare the same options.
package componenttest
