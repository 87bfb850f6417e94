package expr

import (
	"fmt"
	"strings"
)

// wrap breaks s into lines of at most width characters at whitespace, runs
// of which count as one space; a word longer than width is broken hard.
// When the text needs more than maxLines lines, wrap returns an error naming
// the text, or with clip the first maxLines lines.
func wrap(s string, width, maxLines int, clip bool) ([]string, error) {
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		if len(cur) > 0 && len(cur)+1+len(w) <= width {
			cur = append(append(cur, ' '), w...)
			continue
		}
		if len(cur) > 0 {
			lines = append(lines, string(cur))
		}
		for len(w) > width {
			lines = append(lines, string(w[:width]))
			w = w[width:]
		}
		cur = w
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
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
