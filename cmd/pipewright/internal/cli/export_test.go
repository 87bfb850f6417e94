package cli

// NewRegistry exposes the binary's registry to the black-box tests.
var NewRegistry = newRegistry

// OneLine exposes the dead-letter list's error column to the black-box tests.
var OneLine = oneLine

// ResumeDemoClock exposes run's accelerated clock to the black-box tests.
var ResumeDemoClock = resumeDemoClock

// SharedDemoClock exposes run's accelerated clock from a shared origin to
// the black-box tests.
var SharedDemoClock = sharedDemoClock

// StartPprof exposes run's server.pprof listener to the black-box tests.
var StartPprof = startPprof
