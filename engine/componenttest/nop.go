package componenttest

import (
	"context"

	"github.com/pipewright/pipewright/engine/component"
)

// NopSinkConfig configures the test.nop sink. Its options do nothing: they
// are one of each kind the loader handles, for loader tests.
//
// TEST: drops every message.
type NopSinkConfig struct {
	// An enum option (default quiet); strict wants a note.
	Mode string `yaml:"mode" schema:"enum=quiet|strict"`
	// A boolean option.
	Flag bool `yaml:"flag"`
	// A string option.
	Note string `yaml:"note"`
	// A secret option.
	Token string `yaml:"token" schema:"secret"`
}

// Validate wants a note in strict mode.
func (c *NopSinkConfig) Validate() error {
	if c.Mode == "strict" && c.Note == "" {
		return component.FieldErrorf("mode", "strict mode wants a note")
	}
	return nil
}

type nopSinkFactory struct{}

// NewNopSinkFactory returns the factory of the test.nop sink, which
// acknowledges and drops every message.
func NewNopSinkFactory() component.SinkFactory { return nopSinkFactory{} }

func (nopSinkFactory) Type() component.Type { return "test.nop" }
func (nopSinkFactory) Kind() component.Kind { return component.KindSink }
func (nopSinkFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSink, "test.nop")
}
func (nopSinkFactory) NewConfig() any                 { return &NopSinkConfig{Mode: "quiet"} }
func (nopSinkFactory) ConnectionType() component.Type { return "" }

func (nopSinkFactory) CreateSink(context.Context, component.SinkSettings, any) (component.Sink, error) {
	return nopSink{}, nil
}

type nopSink struct {
	component.StartFunc
	component.ShutdownFunc
}

func (nopSink) Write(context.Context, []*component.Message) error { return nil }

// Factories returns the test components engine tests register instead of
// connectors: the test.lines source and sink, the test.nop sink and the
// test.hook source.
func Factories() []component.Factory {
	return []component.Factory{NewLinesSourceFactory(), NewLinesSinkFactory(), NewNopSinkFactory(), NewHookSourceFactory()}
}
