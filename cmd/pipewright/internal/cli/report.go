package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pipewright/pipewright/engine/config"
)

// outputFormat is how validate and test print their results.
type outputFormat string

// The -format values.
const (
	formatText   outputFormat = "text"
	formatJSON   outputFormat = "json"
	formatGitHub outputFormat = "github"
	formatJUnit  outputFormat = "junit"
)

const formatUsage = "output `format`: text, json, github (workflow annotations) or junit (XML)"

// formatFlag declares -format on fs.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", string(formatText), formatUsage)
}

func parseFormat(s string) (outputFormat, error) {
	switch f := outputFormat(s); f {
	case formatText, formatJSON, formatGitHub, formatJUnit:
		return f, nil
	}
	return "", usagef("unknown -format %q: want text, json, github or junit", s)
}

// dirProblems is the outcome of loading one directory: its problems, or an
// error that is not about its files (say, an unreadable schema).
type dirProblems struct {
	Dir      string
	Problems []config.Problem
	Err      error
}

// newDirProblems sorts a load error into problems or a plain error.
func newDirProblems(dir string, err error) dirProblems {
	d := dirProblems{Dir: dir}
	var ps config.Problems
	switch {
	case err == nil:
	case errors.As(err, &ps):
		d.Problems = ps
	default:
		d.Err = err
	}
	return d
}

func (d dirProblems) valid() bool { return len(d.Problems) == 0 && d.Err == nil }

// messages lists the problems as file:line:col: message lines.
func (d dirProblems) messages() []string {
	var out []string
	for _, p := range d.Problems {
		out = append(out, p.String())
	}
	if d.Err != nil {
		out = append(out, d.Err.Error())
	}
	return out
}

// problemJSON is a problem in -format json.
type problemJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

func (d dirProblems) json() []problemJSON {
	out := []problemJSON{}
	for _, p := range d.Problems {
		out = append(out, problemJSON{File: p.Path(), Line: p.Line, Column: p.Column, Message: p.Message})
	}
	if d.Err != nil {
		out = append(out, problemJSON{File: d.Dir, Message: d.Err.Error()})
	}
	return out
}

// writeJSON prints v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeAnnotations prints the problems as GitHub workflow commands.
func (d dirProblems) writeAnnotations(w io.Writer) {
	for _, p := range d.Problems {
		annotate(w, p.Path(), p.Line, p.Column, "", p.Message)
	}
	if d.Err != nil {
		annotate(w, d.Dir, 0, 0, "", d.Err.Error())
	}
}

// annotate prints one ::error workflow command; line and col 0 are left out.
func annotate(w io.Writer, file string, line, col int, title, msg string) {
	props := []string{"file=" + escapeProperty(file)}
	if line > 0 {
		props = append(props, fmt.Sprintf("line=%d", line))
	}
	if col > 0 {
		props = append(props, fmt.Sprintf("col=%d", col))
	}
	if title != "" {
		props = append(props, "title="+escapeProperty(title))
	}
	fmt.Fprintf(w, "::error %s::%s\n", strings.Join(props, ","), escapeData(msg))
}

// escapeData escapes a workflow command's message as the GitHub runner
// expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
