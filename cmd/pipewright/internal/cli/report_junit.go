package cli

import (
	"encoding/xml"
	"io"
	"strings"
)

// JUnit XML as CI servers read it (GitHub test reporters, GitLab's
// artifacts:reports:junit, Jenkins): suites of test cases, a failure
// element for each failing case.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// add appends a case to the suite and counts it.
func (s *junitSuite) add(c junitCase) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	if c.Failure != nil {
		s.Failures++
	}
	if c.Error != nil {
		s.Errors++
	}
}

// newFailure is a failure whose message is the first line of its text.
func newFailure(kind string, lines []string) *junitFailure {
	return &junitFailure{Message: lines[0], Type: kind, Text: strings.Join(lines, "\n")}
}

// write prints the document with its XML header, totals filled in.
func (j *junitSuites) write(w io.Writer) error {
	for _, s := range j.Suites {
		j.Tests += s.Tests
		j.Failures += s.Failures
		j.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(j); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// validationCase is the JUnit case for loading a directory: it fails with
// the directory's problems.
func validationCase(d dirProblems) junitCase {
	c := junitCase{Name: "validate " + d.Dir, Classname: "pipewright.validate"}
	if !d.valid() {
		c.Failure = newFailure("invalid", d.messages())
	}
	return c
}
