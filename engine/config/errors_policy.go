package config

import (
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// ErrorPolicy says how a pipeline handles failures (see the pipeline schema).
type ErrorPolicy struct {
	Timeout              component.Duration `yaml:"timeout"`
	Retry                RetryPolicy        `yaml:"retry"`
	UnclassifiedAttempts int                `yaml:"unclassified_attempts"`
	// MaxWait bounds how long a message whose failure is
	// component.Waiting is retried, from when it was received (or
	// replayed); 0 retries it without limit.
	MaxWait component.Duration `yaml:"max_wait"`
	Circuit CircuitPolicy      `yaml:"circuit"`
}

// RetryPolicy is the backoff for retryable errors.
type RetryPolicy struct {
	Initial    component.Duration `yaml:"initial"`
	Max        component.Duration `yaml:"max"`
	Multiplier float64            `yaml:"multiplier"`
	Jitter     float64            `yaml:"jitter"`
	// jitterSet records that the file gave jitter: a 0 there turns jitter
	// off instead of asking for the default.
	jitterSet bool
}

// UnmarshalYAML decodes the policy and notes whether jitter was given.
func (r *RetryPolicy) UnmarshalYAML(n *yaml.Node) error {
	type plain RetryPolicy
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.jitterSet = mappingValue(n, "jitter") != nil
	return nil
}

// CircuitPolicy configures the per-connection circuit breaker.
type CircuitPolicy struct {
	Failures   int                `yaml:"failures"`
	ProbeEvery component.Duration `yaml:"probe_every"`
}

// DefaultErrorPolicy is the policy of a pipeline that sets nothing.
var DefaultErrorPolicy = ErrorPolicy{
	Timeout:              component.Duration(60 * time.Second),
	Retry:                RetryPolicy{Initial: component.Duration(time.Second), Max: component.Duration(5 * time.Minute), Multiplier: 2, Jitter: 0.2},
	UnclassifiedAttempts: 5,
	Circuit:              CircuitPolicy{Failures: 5, ProbeEvery: component.Duration(5 * time.Second)},
}

// withDefaults fills the fields of p that were left out (zero) from d.
func (p ErrorPolicy) withDefaults(d ErrorPolicy) ErrorPolicy {
	if p.Timeout == 0 {
		p.Timeout = d.Timeout
	}
	if p.Retry.Initial == 0 {
		p.Retry.Initial = d.Retry.Initial
	}
	if p.Retry.Max == 0 {
		p.Retry.Max = d.Retry.Max
	}
	if p.Retry.Multiplier == 0 {
		p.Retry.Multiplier = d.Retry.Multiplier
	}
	if p.Retry.Jitter == 0 && !p.Retry.jitterSet {
		p.Retry.Jitter, p.Retry.jitterSet = d.Retry.Jitter, d.Retry.jitterSet
	}
	if p.UnclassifiedAttempts == 0 {
		p.UnclassifiedAttempts = d.UnclassifiedAttempts
	}
	if p.MaxWait == 0 {
		p.MaxWait = d.MaxWait
	}
	if p.Circuit.Failures == 0 {
		p.Circuit.Failures = d.Circuit.Failures
	}
	if p.Circuit.ProbeEvery == 0 {
		p.Circuit.ProbeEvery = d.Circuit.ProbeEvery
	}
	return p
}
