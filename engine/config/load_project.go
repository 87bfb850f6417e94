package config

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

func (l *loader) decodeProject(f *yamlFile) {
	var doc projectDoc
	for key, dst := range map[string]any{
		"project": &doc.Project, "description": &doc.Description, "data_dir": &doc.DataDir,
		"transport": &doc.Transport, "server": &doc.Server, "tables": &doc.Tables, "defaults": &doc.Defaults,
		"activity": &doc.Activity, "alerts": &doc.Alerts,
	} {
		l.decodeKey(f, key, dst)
	}
	p := l.project
	p.Name, p.Description, p.DataDir = doc.Project, doc.Description, doc.DataDir
	p.Transport, p.Server = doc.Transport, doc.Server
	p.Activity, p.Alerts = doc.Activity, doc.Alerts
	p.Defaults.Errors = doc.Defaults.Errors.withDefaults(DefaultErrorPolicy)
	p.Defaults.DeadLetters = doc.Defaults.DeadLetters.withDefaults(DefaultDeadLetterPolicy)
	if !f.isBad("/env") {
		p.Env = scalarMap(mappingValue(f.root, "env"))
	}
	for name, o := range doc.Tables {
		if def := mappingValue(mappingValue(mappingValue(f.root, "tables"), name), "default"); def != nil {
			v, err := nodeValue(def)
			if err != nil {
				l.add(f.at("/tables/"+escapePointer(name)+"/default", "%v", err))
			}
			o.Default, o.HasDefault = v, true
		}
		doc.Tables[name] = o
	}
	tables, names, digest, problems := loadTables(l.dir, doc.Tables, f, l.read)
	l.add(problems...)
	l.globalsFP = fingerprint(digest, p.Env)
	p.Tables, l.tableNames = tables, names
	p.Globals.Tables, p.Globals.Env = tables, p.Env
	l.decodeConnections(f)
}

// scalarMap turns a mapping of scalars into strings.
func scalarMap(n *yaml.Node) map[string]string {
	m := map[string]string{}
	if n == nil {
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1].Value
	}
	return m
}

// decodeKey decodes the top-level key of f into dst unless the schema
// found a problem there (already reported).
func (l *loader) decodeKey(f *yamlFile, key string, dst any) {
	n := mappingValue(f.root, key)
	if n == nil || f.isBad("/"+escapePointer(key)) {
		return
	}
	if err := n.Decode(dst); err != nil {
		l.add(f.at("/"+escapePointer(key), "%v", err))
	}
}

func (l *loader) decodeConnections(f *yamlFile) {
	conns := mappingValue(f.root, "connections")
	if conns == nil {
		return
	}
	for i := 0; i+1 < len(conns.Content); i += 2 {
		name, n := conns.Content[i].Value, resolveAlias(conns.Content[i+1])
		ptr := "/connections/" + escapePointer(name)
		l.brokenConns[name] = true // until it decodes: uses of it are not blamed
		if f.isBad(ptr) {
			continue
		}
		typ := component.Type(mappingValue(n, "type").Value)
		factory, ok := l.opts.Registry.Connection(typ)
		if !ok {
			l.add(f.at(ptr+"/type", "unknown connection type %q%s", typ, knownTypes(l.opts.Registry.Types(component.KindConnection))))
			continue
		}
		cfg, ok := l.decodeOptions(f, ptr, withoutKeys(n, "type"), factory)
		if !ok {
			continue
		}
		l.project.Connections[name] = &Connection{Name: name, Type: typ, Factory: factory, Config: cfg, Fingerprint: connectionFingerprint(cfg, toJSONValue(n))}
		delete(l.brokenConns, name)
	}
}

// decodeOptions validates a component's options against its factory's
// schema, decodes them and runs Validate. Problems are located below ptr.
func (l *loader) decodeOptions(f *yamlFile, ptr string, opts *yaml.Node, factory component.Factory) (any, bool) {
	url := fmt.Sprintf("%scomponents/%s/%s.json", schemaBase, factory.Kind(), factory.Type())
	if err := l.schemas.addComponent(url, factory.Schema()); err != nil {
		l.add(f.at(ptr, "internal error: %s %q schema: %v", factory.Kind(), factory.Type(), err))
		return nil, false
	}
	ps := l.schemas.validate(f, ptr, toJSONValue(opts), url)
	l.declaredSecrets(opts, url)
	if len(ps) > 0 {
		l.add(ps...)
		return nil, false
	}
	cfg := factory.NewConfig()
	if err := opts.Decode(cfg); err != nil {
		l.add(f.at(ptr, "%v", err))
		return nil, false
	}
	if v, ok := cfg.(component.Validator); ok {
		if err := v.Validate(); err != nil {
			l.add(fieldErrorProblems(f, ptr, err)...)
			return nil, false
		}
	}
	return cfg, true
}

func knownTypes(types []component.Type) string {
	if len(types) == 0 {
		return ""
	}
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	sort.Strings(s)
	return fmt.Sprintf(" (known: %s)", strings.Join(s, ", "))
}
