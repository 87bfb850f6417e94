package config

import (
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// ErrorPolicy says how a pipeline handles failures (see the pipeline schema).
type ErrorPolicy struct {
	Timeout              component.Duration `yaml:"timeout"`
	Retry                RetryPolicy        `yaml:"retry"`
	UnclassifiedAttempts int                `yaml:"unclassified_attempts"`
	Circuit              CircuitPolicy      `yaml:"circuit"`
}

// RetryPolicy is the backoff for retryable errors.
type RetryPolicy struct {
	Initial    component.Duration `yaml:"initial"`
	Max        component.Duration `yaml:"max"`
	Multiplier float64            `yaml:"multiplier"`
	Jitter     float64            `yaml:"jitter"`
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

// withDefaults fills the zero fields of p from d.
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
	if p.Retry.Jitter == 0 {
		p.Retry.Jitter = d.Retry.Jitter
	}
	if p.UnclassifiedAttempts == 0 {
		p.UnclassifiedAttempts = d.UnclassifiedAttempts
	}
	if p.Circuit.Failures == 0 {
		p.Circuit.Failures = d.Circuit.Failures
	}
	if p.Circuit.ProbeEvery == 0 {
		p.Circuit.ProbeEvery = d.Circuit.ProbeEvery
	}
	return p
}
