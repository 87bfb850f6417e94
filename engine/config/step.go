package config

import (
	"context"

	"github.com/pipewright/pipewright/engine/component"
)

// Step is one compiled step of a pipeline.
type Step struct {
	// Name is unique in the pipeline (default: kind-position, e.g. map-2).
	Name string
	// Kind is the step's kind: the key that selects it (map, filter, ...).
	Kind string
	// Index is the step's position, from 0.
	Index int
	// runner is what the kind compiled.
	runner stepRunner
}

// Run runs the step on msg. Errors keep their class: permanent for bad
// data (the message goes to the dead-letter stream), retryable otherwise.
// It is safe for concurrent use.
func (s *Step) Run(ctx context.Context, env *StepEnv, msg *component.Message) (StepResult, error) {
	return s.runner.run(ctx, s, env, msg)
}

// Connections lists the connections the step calls (a lookup's), so that
// the runtime can hold messages while one is down.
func (s *Step) Connections() []string {
	if u, ok := s.runner.(connectionUser); ok {
		return u.connections()
	}
	return nil
}

// StepResult is what a step did with a message: Msg continues to the next
// step, unless Dropped (a filter or changed step let it go), Routes (a
// route sent it to these sinks) or Split (it continues as these messages).
type StepResult struct {
	Msg     *component.Message
	Dropped bool
	Routes  []string
	Split   []*component.Message
	// Writes are values to store once the message is delivered (a changed
	// step's new value, a guard's observations).
	Writes []StateWrite
	// Flags are the guard rules the message broke that let it pass: they
	// are counted and alerted once it is delivered.
	Flags []GuardFinding
}

// StateWrite is a value to store under a key of the pipeline's state:
// Value, or what Merge makes of the stored value (nil when there is none),
// read and written atomically.
type StateWrite struct {
	Key   string
	Value []byte
	Merge func(prev []byte) ([]byte, error)
}

// StepEnv is what a running step reaches beyond its message: the globals
// its expressions read, lookups and the pipeline's state. The runtime
// serves lookups from connections and state from JetStream; pipeline tests
// serve them from the case's mocks and delivered values (TestCase.Env).
type StepEnv struct {
	Globals *Globals
	// Lookup runs a lookup step's query; nil fails every lookup.
	Lookup LookupFunc
	// State reads the pipeline's stored state; nil reads nothing stored.
	State StateFunc
	// Approved tells guards which held messages an operator approved; nil
	// approves none.
	Approved ApprovedFunc
}

// LookupFunc runs a lookup step's query with evaluated parameters and
// returns its result (nil: nothing found). Errors keep their class.
type LookupFunc func(ctx context.Context, q LookupQuery) (any, error)

// LookupQuery is one run of a lookup step's query.
type LookupQuery struct {
	// Step is the lookup step's name (what test mocks are keyed by).
	Step       string
	Connection string
	Query      string
	Params     map[string]any
}

// StateFunc reads a value the pipeline's steps stored (changed steps'
// last delivered values); found is false for a key never written.
type StateFunc func(ctx context.Context, key string) (value []byte, found bool, err error)

// stepRunner is a compiled step of some kind.
type stepRunner interface {
	run(ctx context.Context, st *Step, env *StepEnv, msg *component.Message) (StepResult, error)
}

// connectionUser is implemented by runners that call connections.
type connectionUser interface {
	connections() []string
}

// bodyKeeper is implemented by runners whose output body is their input
// body: the sink document check (document_check.go) looks through them.
type bodyKeeper interface {
	keepsBody()
}

// bodyTemplater is implemented by runners that write the body from a
// template; the template is nil when the body it makes is not known
// (a merge).
type bodyTemplater interface {
	bodyTemplate() *Template
}

// sinkRouter is implemented by runners that send messages to named sinks,
// ending the steps: a pipeline whose last step is one names its sinks under
// sinks. checkTargets reports the targets that are not among sinks (in f,
// at the step with index) and returns the sinks it sends to.
type sinkRouter interface {
	checkTargets(l *loader, f *yamlFile, index int, sinks []string) map[string]bool
}
