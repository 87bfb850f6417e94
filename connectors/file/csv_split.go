package file

import "unicode/utf8"

// csvSplitter ends a CSV record at a newline outside a quoted field, so a
// quoted field may hold newlines. It follows RFC 4180 as encoding/csv does:
// a quote opens a quoted field only at the start of a field, "" inside one
// is a quote, and a malformed record ends at its line's end (encoding/csv
// then reports what is wrong with it).
type csvSplitter struct {
	delim []byte // the field separator, UTF-8 encoded
	state csvState
	tail  []byte // the record's last bytes, to recognise a multi-byte delimiter
}

type csvState int

const (
	csvFieldStart csvState = iota
	csvField               // inside an unquoted field
	csvQuoted              // inside a quoted field
	csvQuoteSeen           // a quote inside a quoted field: its end, or the first of ""
)

func newCSVSplitter(delim rune) *csvSplitter {
	return &csvSplitter{delim: utf8.AppendRune(nil, delim)}
}

func (s *csvSplitter) reset() { s.state, s.tail = csvFieldStart, s.tail[:0] }

func (s *csvSplitter) scan(p []byte) (int, int, bool) {
	newlines := 0
	for i, c := range p {
		switch s.state {
		case csvQuoted:
			if c == '"' {
				s.state = csvQuoteSeen
			} else if c == '\n' {
				newlines++
			}
			continue
		case csvQuoteSeen:
			if c == '"' {
				s.state = csvQuoted
				continue
			}
			if c == '\r' {
				continue // before the line's "\n"
			}
		case csvFieldStart:
			if c == '"' {
				s.state, s.tail = csvQuoted, s.tail[:0]
				continue
			}
		}
		if c == '\n' {
			return i + 1, newlines + 1, true
		}
		s.state = csvField
		if s.endsWithDelim(c) {
			s.state = csvFieldStart
		}
	}
	return len(p), newlines, false
}

// endsWithDelim records c and reports whether the bytes read end with the
// delimiter.
func (s *csvSplitter) endsWithDelim(c byte) bool {
	if len(s.delim) == 1 {
		return c == s.delim[0]
	}
	if len(s.tail) == len(s.delim) {
		s.tail = append(s.tail[:0], s.tail[1:]...)
	}
	s.tail = append(s.tail, c)
	return string(s.tail) == string(s.delim)
}
