package config

import (
	"github.com/pipewright/pipewright/engine/component"
)

// MainSink is the name of a pipeline's sink when it has a single `sink`.
const MainSink = "main"

// Pipeline is one loaded pipeline.
type Pipeline struct {
	Name        string
	Description string
	// File is the pipeline file's path.
	File   string
	Source *ComponentConfig
	Steps  []*Step
	// Sinks by name: MainSink for a single sink, else the names under sinks.
	Sinks       map[string]*ComponentConfig
	Errors      ErrorPolicy
	DeadLetters DeadLetterPolicy
}

// ComponentConfig is a configured source or sink.
type ComponentConfig struct {
	// Name is the sink name (MainSink or a key of sinks); "source" for the source.
	Name    string
	Type    component.Type
	Kind    component.Kind
	Factory component.Factory
	// Connection names the connection the component uses ("" for none).
	Connection string
	// Config is the decoded options (the factory's NewConfig type) with every
	// Expr and Template compiled.
	Config any
}

// pipelineDoc is a pipeline file as decoded from YAML; source and sinks are
// decoded separately through their factories, steps one by one.
type pipelineDoc struct {
	Pipeline    string
	Description string
	Errors      *ErrorPolicy
}
