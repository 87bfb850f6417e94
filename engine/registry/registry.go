// Package registry maps component type names to factories. The binary builds
// one from the explicit list of connectors it ships; tests build one with only
// what they need.
package registry

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pipewright/pipewright/engine/component"
)

// Registry holds factories by kind and type name. It is immutable after New
// and safe for concurrent use.
type Registry struct {
	byKind map[component.Kind]map[component.Type]component.Factory
}

// New returns a registry of the factories. It rejects malformed type names,
// duplicates of the same kind and type, factories whose kind does not match
// the interface they implement, and schemas that are not JSON objects.
func New(factories ...component.Factory) (*Registry, error) {
	r := &Registry{byKind: map[component.Kind]map[component.Type]component.Factory{}}
	var errs []error
	for _, f := range factories {
		if err := r.add(f); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

func (r *Registry) add(f component.Factory) error {
	t := f.Type()
	if err := t.Validate(); err != nil {
		return err
	}
	kind := f.Kind()
	var ok bool
	switch kind {
	case component.KindConnection:
		_, ok = f.(component.ConnectionFactory)
	case component.KindSource:
		_, ok = f.(component.SourceFactory)
	case component.KindSink:
		_, ok = f.(component.SinkFactory)
	}
	if !ok {
		return fmt.Errorf("%s %q: factory does not implement the %s factory interface", kind, t, kind)
	}
	if schema := f.Schema(); len(schema) == 0 || schema[0] != '{' {
		return fmt.Errorf("%s %q: schema must be a JSON object", kind, t)
	}
	if r.byKind[kind] == nil {
		r.byKind[kind] = map[component.Type]component.Factory{}
	}
	if _, dup := r.byKind[kind][t]; dup {
		return fmt.Errorf("%s %q: registered twice", kind, t)
	}
	r.byKind[kind][t] = f
	return nil
}

// Lookup returns the factory for a kind and type name.
func (r *Registry) Lookup(kind component.Kind, t component.Type) (component.Factory, bool) {
	f, ok := r.byKind[kind][t]
	return f, ok
}

// Types lists the registered type names of a kind, sorted.
func (r *Registry) Types(kind component.Kind) []component.Type {
	types := make([]component.Type, 0, len(r.byKind[kind]))
	for t := range r.byKind[kind] {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	return types
}

// Connection returns the connection factory for t.
func (r *Registry) Connection(t component.Type) (component.ConnectionFactory, bool) {
	f, ok := r.Lookup(component.KindConnection, t)
	if !ok {
		return nil, false
	}
	return f.(component.ConnectionFactory), true
}

// Source returns the source factory for t.
func (r *Registry) Source(t component.Type) (component.SourceFactory, bool) {
	f, ok := r.Lookup(component.KindSource, t)
	if !ok {
		return nil, false
	}
	return f.(component.SourceFactory), true
}

// Sink returns the sink factory for t.
func (r *Registry) Sink(t component.Type) (component.SinkFactory, bool) {
	f, ok := r.Lookup(component.KindSink, t)
	if !ok {
		return nil, false
	}
	return f.(component.SinkFactory), true
}
