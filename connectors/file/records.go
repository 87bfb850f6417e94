package file

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// headBytes is how much of a record over the limit is kept, to show in
// its dead letter what it was.
const headBytes = 1024

// splitter finds where a record ends. scan consumes bytes of p up to and
// including the record's end, and reports how many newlines they hold and
// whether it reached the end; reset prepares it for the next record.
type splitter interface {
	scan(p []byte) (n, newlines int, done bool)
	reset()
}

// record is one record read from a file.
type record struct {
	// data is the record with its line end; nil when it was over the limit.
	data []byte
	// head is the start of a record over the limit (at most headBytes).
	head []byte
	// size is the record's length in bytes without its line end.
	size int64
	// line is the number of the record's first line.
	line int
	// end is where the next record starts.
	end cursor
	// ended is false for a record cut short by the end of the file.
	ended bool
}

// recordReader reads records from a file, holding at most max bytes of
// one record (plus its line end) in memory: a longer record is read to its
// end and discarded, and reported by its size and first bytes.
type recordReader struct {
	r     *bufio.Reader
	max   int
	split splitter
	buf   []byte // the record read so far
	own   []byte // buf's memory when it is not the read buffer
	next  cursor // where the next record starts
}

// readBufferSize is the size of the buffered reader under a recordReader.
const readBufferSize = 64 << 10

func newRecordReader(r io.Reader, at cursor, max int, split splitter) *recordReader {
	return &recordReader{r: bufio.NewReaderSize(r, readBufferSize), max: max, split: split, next: at}
}

// read returns the next record, or io.EOF when the file holds no more
// bytes. The record's data is valid until the next read.
func (rr *recordReader) read() (record, error) {
	rr.split.reset()
	rr.buf = rr.own[:0]
	rec := record{line: rr.next.line + 1}
	var total int64
	var last2 [2]byte // the record's last two bytes, for its line end
	over := false
	for {
		if _, err := rr.r.Peek(1); err != nil {
			if !errors.Is(err, io.EOF) {
				return record{}, err
			}
			if total == 0 {
				return record{}, io.EOF
			}
			break // the file ends inside the record
		}
		chunk, _ := rr.r.Peek(rr.r.Buffered())
		n, newlines, done := rr.split.scan(chunk)
		part := chunk[:n]
		total += int64(n)
		rr.next.line += newlines
		last2 = lastTwo(last2, part)
		switch {
		case over:
		case done && total == int64(n) && n <= rr.max+2:
			rr.buf = part // the whole record in the read buffer: no copy
		case len(rr.buf)+n <= rr.max+2: // room for the record and "\r\n"
			rr.buf = append(rr.buf, part...)
			rr.own = rr.buf
		default:
			over = true
			rec.head = headOf(rr.buf, part)
			rr.buf = rr.buf[:0]
		}
		if _, err := rr.r.Discard(n); err != nil {
			return record{}, err
		}
		if done {
			rec.ended = true
			break
		}
	}
	rr.next.offset += total
	rec.end = rr.next
	rec.size = total - lineEndLen(rec.ended, last2)
	if over || rec.size > int64(rr.max) {
		if rec.head == nil {
			rec.head = headOf(rr.buf, nil)
		}
		return rec, nil
	}
	rec.data = rr.buf
	return rec, nil
}

// lastTwo returns the last two bytes of what was read, given the last two
// before part.
func lastTwo(prev [2]byte, part []byte) [2]byte {
	switch len(part) {
	case 0:
		return prev
	case 1:
		return [2]byte{prev[1], part[0]}
	}
	return [2]byte{part[len(part)-2], part[len(part)-1]}
}

// lineEndLen is the length of a record's line end: "\n" or "\r\n".
func lineEndLen(ended bool, last2 [2]byte) int64 {
	switch {
	case !ended:
		return 0
	case last2[0] == '\r':
		return 2
	}
	return 1
}

// headOf copies the first headBytes of a then b, cut on a character boundary.
func headOf(a, b []byte) []byte {
	head := make([]byte, 0, headBytes)
	head = append(head, a[:min(len(a), headBytes)]...)
	head = append(head, b[:min(len(b), headBytes-len(head))]...)
	return wholeRunes(head)
}

// wholeRunes drops an incomplete UTF-8 character from the end of b.
func wholeRunes(b []byte) []byte {
	for i := len(b) - 1; i >= max(0, len(b)-utf8.UTFMax); i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// lineSplitter ends a record at a newline (JSON lines).
type lineSplitter struct{}

func (lineSplitter) scan(p []byte) (int, int, bool) {
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		return i + 1, 1, true
	}
	return len(p), 0, false
}

func (lineSplitter) reset() {}
