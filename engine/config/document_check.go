package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// checkDocuments checks the body each sink with a known document layout
// (component.DocumentDescriber) receives: the keys the map step before it
// writes, in its output and in map literals its expressions build, must
// be fields of the document. Only the map step the body comes from counts:
// steps after it that keep the body (bodyKeeper: filter, validate, assert,
// lookup, changed, route) are looked through; a split or a merging map
// ends the search.
func (l *loader) checkDocuments(pl *Pipeline) {
	var out *Template
	for i := len(pl.Steps) - 1; i >= 0 && out == nil; i-- {
		switch r := pl.Steps[i].runner.(type) {
		case bodyKeeper:
			continue
		case bodyTemplater:
			if out = r.bodyTemplate(); out == nil {
				return
			}
		default:
			return
		}
	}
	if out == nil {
		return
	}
	for _, name := range sortedKeys(pl.Sinks) {
		sc := pl.Sinks[name]
		dd, ok := sc.Config.(component.DocumentDescriber)
		conn := l.project.Connections[sc.Connection]
		if !ok || conn == nil {
			continue
		}
		if doc := dd.Document(conn.Config); doc != nil {
			l.checkTemplate(out.file, out.root, doc, string(sc.Type))
		}
	}
}

// checkTemplate checks an output node against the document it fills.
func (l *loader) checkTemplate(f *yamlFile, n *tnode, doc *component.Document, sink string) {
	switch {
	case n.isObj:
		for i, k := range n.keys {
			sub, known := doc.Fields[k]
			if !known {
				l.add(f.atNode(n.keyNodes[i], "%s", unknownField(doc, k, "", sink)))
				continue
			}
			if sub != nil {
				l.checkTemplate(f, n.vals[i], sub, sink)
			}
		}
	case n.isArr:
		for _, it := range n.items {
			l.checkTemplate(f, it, doc, sink)
		}
	case n.prog != nil:
		if s := n.prog.Shape(); s != nil {
			l.checkShape(f, n, s, doc, sink)
		}
	}
}

// checkShape checks the keys of a map literal (or of each element of a
// list of them) an expression builds, at the expression.
func (l *loader) checkShape(f *yamlFile, n *tnode, s *expr.Shape, doc *component.Document, sink string) {
	for _, k := range sortedKeys(s.Columns) {
		sub, known := doc.Fields[k]
		switch {
		case !known:
			l.add(f.atNode(n.node, "%s", unknownField(doc, k, ", a key the expression writes", sink)))
		case sub != nil && s.Fields[k] != nil:
			l.checkShape(f, n, s.Fields[k], sub, sink)
		}
	}
}

func unknownField(doc *component.Document, key, how, sink string) string {
	msg := fmt.Sprintf("%s has no field %q%s: the %s sink would refuse every message", doc.What, key, how, sink)
	if near := expr.Closest(key, doc.Keys()); near != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + fmt.Sprintf(" (fields: %s)", strings.Join(doc.Keys(), ", "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
