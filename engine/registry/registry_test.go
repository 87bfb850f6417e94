package registry_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/registry"
)

type fakeSink struct {
	typ    component.Type
	schema string
}

func (f fakeSink) Type() component.Type           { return f.typ }
func (f fakeSink) Kind() component.Kind           { return component.KindSink }
func (f fakeSink) Schema() []byte                 { return []byte(f.schema) }
func (f fakeSink) NewConfig() any                 { return &struct{}{} }
func (f fakeSink) ConnectionType() component.Type { return "" }
func (f fakeSink) CreateSink(context.Context, component.SinkSettings, any) (component.Sink, error) {
	return nil, nil
}

type notASource struct{ fakeSink }

func (notASource) Kind() component.Kind { return component.KindSource }

func TestNew_registers_and_looks_up_by_kind(t *testing.T) {
	r, err := registry.New(fakeSink{"stdout", "{}"}, fakeSink{"file", "{}"})
	require.NoError(t, err)
	f, ok := r.Sink("file")
	require.True(t, ok)
	assert.Equal(t, component.Type("file"), f.Type())
	_, ok = r.Source("file")
	assert.False(t, ok, "a sink type is not a source type")
	assert.Equal(t, []component.Type{"file", "stdout"}, r.Types(component.KindSink))
}

func TestNew_rejects_bad_registrations(t *testing.T) {
	tests := []struct {
		name      string
		factories []component.Factory
		want      string
	}{
		{"duplicate", []component.Factory{fakeSink{"file", "{}"}, fakeSink{"file", "{}"}}, `sink "file": registered twice`},
		{"malformed type", []component.Factory{fakeSink{"Spapi.Orders", "{}"}}, `invalid component type name "Spapi.Orders"`},
		{"kind mismatch", []component.Factory{notASource{fakeSink{"x", "{}"}}}, `does not implement the source factory interface`},
		{"schema not an object", []component.Factory{fakeSink{"x", ""}}, `schema must be a JSON object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := registry.New(tt.factories...)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
