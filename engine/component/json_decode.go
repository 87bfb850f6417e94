package component

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// DecodeJSON parses one JSON value into the message value model: objects
// become map[string]any, arrays []any, integers that fit int64 become int64,
// other numbers become decimal.Decimal when they fit its 19 digits (exactly as
// written, so "12.30" keeps its scale) and float64 otherwise. Trailing
// non-space bytes are an error.
//
// The strings of the result (object keys, and string values without
// escapes) share the memory of one copy of data: a value of the result
// that is kept holds the whole copy.
func DecodeJSON(data []byte) (any, error) {
	pairs := pairPool.Get().(*[]pair)
	d := decoder{data: data, src: string(data), pairs: (*pairs)[:0]}
	v, err := d.document()
	if cap(d.pairs) <= maxPooledPairs {
		clear(d.pairs[:cap(d.pairs)]) // drop references to the values before reuse
		*pairs = d.pairs[:0]
		pairPool.Put(pairs)
	}
	return v, err
}

// CheckJSON reports whether DecodeJSON accepts data, with DecodeJSON's
// error when it does not, without building the value: what a source that
// passes JSON on as read checks.
func CheckJSON(data []byte) error {
	d := decoder{data: data, check: true}
	_, err := d.document()
	return err
}

// document decodes data as one value with nothing but spaces around it.
func (d *decoder) document() (any, error) {
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.errorf("unexpected %q after the value", d.data[d.pos])
	}
	return v, nil
}

const maxDepth = 1000

type decoder struct {
	data []byte
	src  string // data as a string, that strings of the result are cut from
	pos  int
	// pairs holds the members of the objects being decoded (the innermost
	// last), so that each map is made at its final size.
	pairs []pair
	// check only checks the syntax and the numbers' range: values are
	// not built (and src is empty).
	check bool
}

// pairPool holds the decoders' member stacks between documents.
var pairPool = sync.Pool{New: func() any { s := make([]pair, 0, 64); return &s }}

// maxPooledPairs bounds the member stacks kept for reuse.
const maxPooledPairs = 4096

// pair is an object member.
type pair struct {
	key string
	val any
}

// SyntaxError is a JSON syntax error at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: d.pos, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.errorf("nesting deeper than %d", maxDepth)
	}
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.errorf("unexpected %q", c)
	}
}

func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.errorf("invalid literal, want %s", word)
	}
	d.pos += len(word)
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	d.pos++ // '{'
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return map[string]any{}, nil
	}
	base := len(d.pairs) // an error abandons the decoder, pairs and all
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("want a string key")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("want ':' after an object key")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if !d.check {
			d.pairs = append(d.pairs, pair{k, v})
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of input in an object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			if d.check {
				return nil, nil
			}
			members := d.pairs[base:]
			m := make(map[string]any, len(members))
			for _, p := range members {
				m[p.key] = p.val
			}
			d.pairs = d.pairs[:base]
			return m, nil
		default:
			return nil, d.errorf("want ',' or '}' in an object")
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.pos++ // '['
	var a []any
	if !d.check {
		a = make([]any, 0, 4)
	}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if !d.check {
			a = append(a, v)
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of input in an array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, nil
		default:
			return nil, d.errorf("want ',' or ']' in an array")
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := d.digits()
	if digits == 0 {
		return nil, d.errorf("invalid number")
	}
	if digits > 1 && d.data[d.pos-digits] == '0' {
		return nil, d.errorf("invalid number: leading zero")
	}
	integral := true
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		integral = false
		d.pos++
		if d.digits() == 0 {
			return nil, d.errorf("invalid number: no digits after '.'")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		integral = false
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return nil, d.errorf("invalid number: no exponent digits")
		}
	}
	var text string
	switch {
	case d.check && integral && d.pos-start <= 18:
		return nil, nil // fits an int64
	case d.check:
		text = string(d.data[start:d.pos])
	default:
		text = d.src[start:d.pos]
	}
	if integral {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	if fitsDecimal(text) {
		if dec, err := decimal.Parse(text); err == nil {
			return dec, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if errors.Is(err, strconv.ErrRange) {
		return nil, d.errorf("number %s is out of range", text)
	}
	return f, err
}

// fitsDecimal reports whether decimal.Parse holds the JSON number text
// exactly: at most decimal.MaxPrec significant digits and decimal.MaxScale
// digits after the point, once the exponent is applied.
func fitsDecimal(text string) bool {
	sig, frac, exp := 0, 0, 0
	leading, inFrac := true, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '.':
			inFrac = true
		case c == 'e' || c == 'E':
			e, err := strconv.Atoi(strings.TrimPrefix(text[i+1:], "+"))
			if err != nil {
				return false
			}
			exp = e
			i = len(text)
		case c >= '0' && c <= '9':
			if inFrac {
				frac++
			}
			if leading && c == '0' {
				continue
			}
			leading = false
			sig++
		}
	}
	return sig <= decimal.MaxPrec && frac-exp <= decimal.MaxScale && sig+exp-frac <= decimal.MaxPrec
}

func (d *decoder) digits() int {
	n := 0
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

// plainByte marks the bytes a string holds as they are: ASCII, neither a
// control character nor '"' or '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (d *decoder) str() (string, error) {
	d.pos++ // opening quote
	start := d.pos
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case plainByte[c]:
		case c == '"':
			d.pos++
			if d.check {
				return "", nil
			}
			s := d.src[start : d.pos-1]
			if !ascii && !utf8.ValidString(s) {
				return string([]rune(s)), nil // invalid bytes become U+FFFD
			}
			return s, nil
		case c == '\\':
			return d.strEscaped(start)
		case c < 0x20:
			return "", d.errorf("control character in a string")
		default:
			ascii = false
		}
		d.pos++
	}
	return "", d.errorf("unterminated string")
}

func (d *decoder) strEscaped(start int) (string, error) {
	buf := make([]byte, 0, d.pos-start+16)
	buf = append(buf, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return string([]rune(string(buf))), nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.errorf("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errorf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r = d.lowSurrogate(r)
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.errorf("invalid escape \\%c", e)
		}
	}
	return "", d.errorf("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.data)-d.pos < 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := d.data[d.pos+i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.pos += 4
	return r, true
}

// lowSurrogate completes the UTF-16 pair whose high half is r when a valid
// low half follows; otherwise it returns U+FFFD and consumes nothing.
func (d *decoder) lowSurrogate(r rune) rune {
	if len(d.data)-d.pos < 6 || d.data[d.pos] != '\\' || d.data[d.pos+1] != 'u' {
		return utf8.RuneError
	}
	save := d.pos
	d.pos += 2
	r2, ok := d.hex4()
	if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
		return dec
	}
	d.pos = save
	return utf8.RuneError
}
