// Package componenttest provides in-memory stand-ins for what the engine
// gives components (state, publisher, dead-letter recorder, HTTP registrar,
// a manual clock) so connectors can be tested without the runtime.
package componenttest
