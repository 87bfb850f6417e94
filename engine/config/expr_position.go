package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// exprPosition maps a position inside an expression (1-based line and
// column, in runes) to the file. The scalar's text is laid out as segments,
// one per file line it occupies: block scalars (| and >) by their content
// lines, plain and quoted scalars from their start. Literal blocks join the
// segments with newlines and folded ones with spaces: one character either
// way, so an offset in the expression walks the segments the same way.
func (f *yamlFile) exprPosition(n *yaml.Node, line, col int) (int, int) {
	srcLines := strings.Split(n.Value, "\n")
	if line < 1 || line > len(srcLines) {
		return n.Line, n.Column
	}
	offset := col - 1
	for i := 0; i < line-1; i++ {
		offset += len([]rune(srcLines[i])) + 1
	}
	for _, seg := range f.segments(n) {
		if offset <= seg.length {
			return seg.line, seg.col + offset
		}
		offset -= seg.length + 1
	}
	return n.Line, n.Column
}

type segment struct{ line, col, length int }

func (f *yamlFile) segments(n *yaml.Node) []segment {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return f.blockSegments(n)
	}
	start := n.Column
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		start++
	}
	first := []rune(f.sourceLine(n.Line))
	segs := []segment{{line: n.Line, col: start, length: max(len(first)-start+1, 0)}}
	for ln := n.Line + 1; ln < n.Line+len(strings.Split(n.Value, "\n"))+20 && ln <= len(f.lines); ln++ {
		text := []rune(f.sourceLine(ln))
		indent := len(text) - len([]rune(strings.TrimLeft(string(text), " \t")))
		segs = append(segs, segment{line: ln, col: indent + 1, length: len(text) - indent})
	}
	return segs
}

// blockSegments lists the content lines of a | or > block.
func (f *yamlFile) blockSegments(n *yaml.Node) []segment {
	var segs []segment
	indent := -1
	for ln := n.Line + 1; ln <= len(f.lines); ln++ {
		text := []rune(f.sourceLine(ln))
		trimmed := strings.TrimLeft(string(text), " ")
		if trimmed == "" {
			segs = append(segs, segment{line: ln, col: 1, length: 0})
			continue
		}
		lead := len(text) - len([]rune(trimmed))
		if indent < 0 {
			indent = lead
		}
		if lead < indent {
			break
		}
		segs = append(segs, segment{line: ln, col: indent + 1, length: len(text) - indent})
	}
	return segs
}
