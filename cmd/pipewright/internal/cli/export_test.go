package cli

// NewRegistry exposes the binary's registry to the black-box tests.
var NewRegistry = newRegistry
