package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlFile is a parsed YAML file with an index from JSON Pointer to node.
type yamlFile struct {
	path  string
	lines []string
	root  *yaml.Node            // the document's top node (a mapping for every file kind)
	nodes map[string]*yaml.Node // JSON Pointer -> value node
	keys  map[string]*yaml.Node // JSON Pointer -> key node, for object members
	// refs are the file's ${env:...} and ${file:...} references with the
	// values they were replaced by.
	refs []reference
	// sources says, for each interpolated pointer, where its value came
	// from: "NAME's value", "the default of NAME", "the content of path".
	sources map[string]valueSource
	// setWithDefault records that a set variable replaced a reference with
	// a default (so validate checks the defaults in a second pass).
	setWithDefault bool
	// bad holds the pointers where schema validation found a problem; the
	// decoders skip those subtrees and check everything else.
	bad map[string]bool
}

// markBad records a schema problem at ptr.
func (f *yamlFile) markBad(ptr string) {
	if f.bad == nil {
		f.bad = map[string]bool{}
	}
	f.bad[ptr] = true
}

// isBad reports whether ptr or anything below it had a schema problem.
func (f *yamlFile) isBad(ptr string) bool {
	for p := range f.bad {
		if p == ptr || strings.HasPrefix(p, ptr+"/") {
			return true
		}
	}
	return false
}

// parseYAMLFile reads and parses one file. A syntax error is returned as a
// Problem at its line.
func parseYAMLFile(path string) (*yamlFile, *Problem) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Problem{File: path, Message: err.Error()}
	}
	return parseYAML(path, data)
}

func parseYAML(path string, data []byte) (*yamlFile, *Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxProblem(path, data, err)
	}
	f := &yamlFile{path: path, lines: strings.Split(string(data), "\n"), sources: map[string]valueSource{}}
	if len(doc.Content) == 0 {
		return nil, &Problem{File: path, Line: 1, Column: 1, Message: "file is empty"}
	}
	f.root = doc.Content[0]
	if f.root.Kind != yaml.MappingNode {
		return nil, &Problem{File: path, Line: f.root.Line, Column: f.root.Column, Message: "want a mapping of keys to values at the top of the file"}
	}
	if p := checkDuplicateKeys(path, f.root); p != nil {
		return nil, p
	}
	f.reindex()
	return f, nil
}

// checkDuplicateKeys reports the first key repeated in a mapping: yaml.v3
// only rejects them when decoding into Go values.
func checkDuplicateKeys(path string, n *yaml.Node) *Problem {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if seen[k.Value] {
				return &Problem{File: path, Line: k.Line, Column: k.Column, Message: fmt.Sprintf("key %q repeated", k.Value)}
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if p := checkDuplicateKeys(path, c); p != nil {
			return p
		}
	}
	return nil
}

func (f *yamlFile) reindex() {
	f.nodes = map[string]*yaml.Node{}
	f.keys = map[string]*yaml.Node{}
	f.index("", f.root)
}

func (f *yamlFile) index(ptr string, n *yaml.Node) {
	n = resolveAlias(n)
	f.nodes[ptr] = n
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := ptr + "/" + escapePointer(n.Content[i].Value)
			f.keys[p] = n.Content[i]
			f.index(p, n.Content[i+1])
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			f.index(ptr+"/"+strconv.Itoa(i), c)
		}
	}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// at returns a Problem at the node for ptr, or the nearest ancestor present.
func (f *yamlFile) at(ptr, format string, args ...any) Problem {
	n := f.nearest(ptr, f.nodes)
	return f.atNode(n, format, args...)
}

// atKey returns a Problem at the key of the member ptr (falling back to its value).
func (f *yamlFile) atKey(ptr, format string, args ...any) Problem {
	if k, ok := f.keys[ptr]; ok {
		return f.atNode(k, format, args...)
	}
	return f.at(ptr, format, args...)
}

func (f *yamlFile) atNode(n *yaml.Node, format string, args ...any) Problem {
	p := Problem{File: f.path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	return p
}

func (f *yamlFile) nearest(ptr string, m map[string]*yaml.Node) *yaml.Node {
	for {
		if n, ok := m[ptr]; ok {
			return n
		}
		i := strings.LastIndex(ptr, "/")
		if i < 0 {
			return f.root
		}
		ptr = ptr[:i]
	}
}

// mappingValue returns the value node of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolveAlias(n.Content[i+1])
		}
	}
	return nil
}

// withoutKeys returns a shallow copy of mapping n without the given keys.
func withoutKeys(n *yaml.Node, keys ...string) *yaml.Node {
	c := *n
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		drop := false
		for _, k := range keys {
			drop = drop || n.Content[i].Value == k
		}
		if !drop {
			c.Content = append(c.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &c
}

// sourceLine returns line n (1-based) of the file, or "".
func (f *yamlFile) sourceLine(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	return strings.TrimRight(f.lines[n-1], "\r")
}
