package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Problem is one thing wrong in a pipeline directory, located in a file.
type Problem struct {
	File    string // path as given to Load, joined with the file's name
	Line    int    // 1-based; 0 when the problem concerns the whole file
	Column  int    // 1-based; 0 when unknown
	Message string
}

// String formats the problem as file:line:col: message, with the file path
// relative to the working directory when it is below it.
func (p Problem) String() string {
	file := relPath(p.File)
	switch {
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", file, p.Message)
	case p.Column == 0:
		return fmt.Sprintf("%s:%d: %s", file, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, p.Line, p.Column, p.Message)
}

func relPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return path
	}
	return rel
}

// Problems is the error Load returns when a directory is invalid: every
// problem found, sorted by file, line and column.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Message < b.Message
	})
}

// dedupe drops repeated identical problems (a mapping file used by two steps
// reports its own errors once).
func (ps Problems) dedupe() Problems {
	seen := map[Problem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Path returns the problem's file relative to the working directory when
// it is below it, as String prints it.
func (p Problem) Path() string { return relPath(p.File) }

// RelPath returns path relative to the working directory when it is below
// it, else path unchanged: how problems and test results name files.
func RelPath(path string) string { return relPath(path) }
