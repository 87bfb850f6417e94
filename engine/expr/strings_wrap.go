package expr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// wrap breaks s into lines of at most width characters at whitespace, runs
// of which count as one space; a word longer than width is broken hard.
// When the text needs more than maxLines lines, wrap returns an error naming
// the text, or with clip the first maxLines lines.
func wrap(s string, width, maxLines int, clip bool) ([]string, error) {
	var lines []string
	line := make([]byte, 0, len(s))
	n := 0 // characters in line
	for word := range strings.FieldsSeq(s) {
		w := utf8.RuneCountInString(word)
		if n > 0 && n+1+w <= width {
			line = append(append(line, ' '), word...)
			n += 1 + w
			continue
		}
		if n > 0 {
			lines = append(lines, string(line))
		}
		for ; w > width; w -= width {
			head := truncateRunes(word, width)
			lines, word = append(lines, head), word[len(head):]
		}
		line, n = append(line[:0], word...), w
	}
	if n > 0 {
		lines = append(lines, string(line))
	}
	if len(lines) <= maxLines {
		return lines, nil
	}
	if clip {
		return lines[:maxLines], nil
	}
	return nil, fmt.Errorf("wrap: %q does not fit in %d lines of %d characters (it needs %d)", abbreviate(s, 80), maxLines, width, len(lines))
}

// abbreviate shortens s to at most n characters for an error message.
func abbreviate(s string, n int) string {
	if t := truncateRunes(s, n); len(t) < len(s) {
		return t + "..."
	}
	return s
}
