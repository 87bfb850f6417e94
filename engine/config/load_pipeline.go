package config

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

func (l *loader) decodePipeline(f *yamlFile) *Pipeline {
	var doc pipelineDoc
	l.decodeKey(f, "pipeline", &doc.Pipeline)
	l.decodeKey(f, "description", &doc.Description)
	l.decodeKey(f, "errors", &doc.Errors)
	pl := &Pipeline{Name: doc.Pipeline, Description: doc.Description, File: f.path, Sinks: map[string]*ComponentConfig{}}
	pl.Errors = l.project.Defaults.Errors
	if doc.Errors != nil {
		pl.Errors = doc.Errors.withDefaults(l.project.Defaults.Errors)
	}
	l.compiler.shapes = map[string]*expr.Shape{}
	if !f.bad["/source"] {
		pl.Source = l.component(f, "/source", component.KindSource, l.compiler.env(nil))
	}
	if pl.Source != nil {
		pl.Source.Name = "source"
	}
	l.decodeDeadLetters(f, pl)
	l.decodeActivity(f, pl)
	vars := l.decodeSteps(f, pl)
	l.decodeSinks(f, pl, vars)
	l.checkDocuments(pl)
	return pl
}

// component decodes the single-key mapping at ptr: the key is the type, the
// value its options plus an optional connection.
func (l *loader) component(f *yamlFile, ptr string, kind component.Kind, env *expr.Env) *ComponentConfig {
	n := f.nodes[ptr]
	if n == nil || n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return nil // the schema reported it
	}
	typ := component.Type(n.Content[0].Value)
	tptr := ptr + "/" + escapePointer(string(typ))
	factory, ok := l.opts.Registry.Lookup(kind, typ)
	if !ok {
		l.add(f.atKey(tptr, "unknown %s type %q%s", kind, typ, knownTypes(l.opts.Registry.Types(kind))))
		return nil
	}
	opts := resolveAlias(n.Content[1])
	if opts.Kind == yaml.ScalarNode && opts.ShortTag() == "!!null" {
		opts = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: opts.Line, Column: opts.Column}
	}
	if opts.Kind != yaml.MappingNode {
		l.add(f.at(tptr, "want the %s's options as a mapping", kind))
		return nil
	}
	cc := &ComponentConfig{Type: typ, Kind: kind, Factory: factory}
	connType := connectionTypeOf(factory)
	if cn := mappingValue(opts, "connection"); cn != nil {
		cc.Connection = cn.Value
	}
	_, optional := factory.(component.ConnectionOptional)
	conn := l.checkConnection(f, tptr, cc.Connection, connType, typ, optional)
	cfg, ok := l.decodeOptions(f, tptr, withoutKeys(opts, "connection"), factory)
	if !ok {
		return nil
	}
	if v, isCV := cfg.(component.ConnectionValidator); isCV && conn != nil {
		if err := v.ValidateConnection(conn.Config); err != nil {
			l.add(fieldErrorProblems(f, tptr, err)...)
		}
	}
	bound := l.compiler.bound
	l.compiler.bindConfig(f, cfg, env)
	cc.Config = cfg
	parts := []any{kind, typ, toJSONValue(opts)}
	if l.compiler.bound > bound {
		parts = append(parts, l.globalsFP)
	}
	cc.Fingerprint = fingerprint(parts...)
	return cc
}

func connectionTypeOf(f component.Factory) component.Type {
	switch x := f.(type) {
	case component.SourceFactory:
		return x.ConnectionType()
	case component.SinkFactory:
		return x.ConnectionType()
	}
	return ""
}

// checkConnection verifies a component's connection reference.
func (l *loader) checkConnection(f *yamlFile, ptr, name string, want, typ component.Type, optional bool) *Connection {
	switch {
	case want == "" && name != "":
		l.add(f.at(ptr+"/connection", "%s takes no connection", typ))
		return nil
	case want == "":
		return nil
	case name == "" && optional:
		return nil
	case name == "":
		l.add(f.atKey(ptr, "%s needs a connection of type %s: add connection: NAME", typ, want))
		return nil
	}
	return l.connection(f, ptr+"/connection", name, want)
}

// connection resolves a connection name used at ptr, checking its type
// when want is set.
func (l *loader) connection(f *yamlFile, ptr, name string, want component.Type) *Connection {
	c, ok := l.project.Connections[name]
	if !ok && l.brokenConns[name] {
		return nil // its own problems are reported
	}
	if !ok {
		l.add(f.at(ptr, "unknown connection %q%s", name, knownNames(l.project.Connections)))
		return nil
	}
	if want != "" && c.Type != want {
		l.add(f.at(ptr, "connection %q is of type %s, want %s", name, c.Type, want))
		return nil
	}
	return c
}

func knownNames[T any](m map[string]T) string {
	if len(m) == 0 {
		return " (none defined in " + ProjectFile + ")"
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Sprintf(" (defined: %s)", strings.Join(names, ", "))
}

func (l *loader) decodeSinks(f *yamlFile, pl *Pipeline, vars []string) {
	env := l.compiler.env(vars)
	var router sinkRouter
	if len(pl.Steps) > 0 {
		router, _ = pl.Steps[len(pl.Steps)-1].runner.(sinkRouter)
	}
	routed := router != nil
	_, hasSink := f.nodes["/sink"]
	sinksNode, hasSinks := f.nodes["/sinks"]
	switch {
	case routed && hasSink:
		l.add(f.atKey("/sink", "the last step is a route: name the sinks under sinks instead of sink"))
	case !routed && hasSinks:
		l.add(f.atKey("/sinks", "sinks (named sinks) need a route as the last step; use sink for a single sink"))
	case !routed && !hasSink:
		l.add(f.at("", "missing required key \"sink\""))
	case routed && !hasSinks:
		l.add(f.at("", "missing required key \"sinks\" (the route step sends to named sinks)"))
	}
	if hasSink && !routed && !f.bad["/sink"] {
		if sc := l.component(f, "/sink", component.KindSink, env); sc != nil {
			sc.Name = MainSink
			pl.Sinks[MainSink] = sc
		}
	}
	if hasSinks && routed {
		for i := 0; i+1 < len(sinksNode.Content); i += 2 {
			name := sinksNode.Content[i].Value
			if sc := l.component(f, "/sinks/"+escapePointer(name), component.KindSink, env); sc != nil {
				sc.Name = name
				pl.Sinks[name] = sc
			}
		}
		l.checkRoutes(f, pl, router, sinksNode)
	}
}

// checkRoutes reports route targets that are not sinks and sinks no route
// uses.
func (l *loader) checkRoutes(f *yamlFile, pl *Pipeline, router sinkRouter, sinksNode *yaml.Node) {
	used := router.checkTargets(l, f, pl.Steps[len(pl.Steps)-1].Index, sinkNames(sinksNode))
	for _, name := range sinkNames(sinksNode) {
		if !used[name] {
			l.add(f.atKey("/sinks/"+escapePointer(name), "sink %q is never routed to", name))
		}
	}
}

func sinkNames(n *yaml.Node) []string {
	var names []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		names = append(names, n.Content[i].Value)
	}
	return names
}
