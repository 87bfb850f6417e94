package config

import "time"

// Bounds of transport.source_lease: shorter renews too often to be safe on
// a busy machine, longer leaves a dead engine's sources idle too long.
const (
	minSourceLease = time.Second
	maxSourceLease = 5 * time.Minute
)

// checkTransport checks what the schema cannot: the source lease's range.
func (l *loader) checkTransport(f *yamlFile) {
	if d := l.project.Transport.SourceLease.D(); d != 0 && (d < minSourceLease || d > maxSourceLease) {
		l.add(f.at("/transport/source_lease", "want %s to %s, got %s", minSourceLease, maxSourceLease, d))
	}
}
