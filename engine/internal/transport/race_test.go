//go:build race

package transport_test

// raceEnabled: the race detector slows the cluster tests several times.
const raceEnabled = true
