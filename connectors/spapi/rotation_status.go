package spapi

import (
	"fmt"
	"time"
)

// SecretStatus describes a connection's LWA client secret as its rotation
// knows it. It holds no secret.
type SecretStatus struct {
	// Generation counts rotations (0: the configured secret).
	Generation int
	// Issued is when the secret in use was issued (for the configured one,
	// when an engine first ran with it); Age is the time since.
	Issued time.Time
	Age    time.Duration
	// Expires is the expiry Amazon announced (zero while not known).
	Expires time.Time
	// Rotating is set while an engine rotates.
	Rotating bool
	// LastError describes the last failed rotation.
	LastError string
}

// status returns the secret's status from the record as last read.
func (r *rotator) status() SecretStatus {
	r.mu.Lock()
	rec := r.rec
	r.mu.Unlock()
	issued := rec.issued()
	st := SecretStatus{Generation: rec.Generation, Issued: issued, Expires: rec.Expires, Rotating: rec.Claim != nil, LastError: rec.LastError}
	if !issued.IsZero() {
		st.Age = r.clock.Now().Sub(issued)
	}
	return st
}

// warnDays is how close to its expiry a secret gets a console warning.
const warnDays = 14

// warnings are what an operator should act on: a secret past its rotation
// age, close to its expiry, or a failed rotation.
func (r *rotator) warnings() []string {
	st := r.status()
	now := r.clock.Now()
	var out []string
	if st.Age >= r.cfg.Every.D() && !st.Issued.IsZero() {
		out = append(out, fmt.Sprintf("The LWA client secret is %d days old and due for rotation (every %d days; Amazon expires secrets after 180 days).",
			days(st.Age), days(r.cfg.Every.D())))
	}
	if !st.Expires.IsZero() && st.Expires.Sub(now) < warnDays*24*time.Hour {
		out = append(out, fmt.Sprintf("The LWA client secret expires on %s (in %d days): every SP-API call fails after that unless it is rotated.",
			st.Expires.UTC().Format("2006-01-02 15:04 MST"), days(st.Expires.Sub(now))))
	}
	if st.LastError != "" {
		out = append(out, "The last client-secret rotation failed: "+st.LastError)
	}
	return out
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }
