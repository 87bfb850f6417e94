package expr

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// asciiSpelled spells out the letters and punctuation that Unicode
// decomposition does not reduce to ASCII.
var asciiSpelled = map[rune]string{
	'ß': "ss", 'ẞ': "SS", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe",
	'Ø': "O", 'ø': "o", 'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ð': "D", 'ð': "d",
	'Þ': "TH", 'þ': "th", 'ı': "i", 'Ħ': "H", 'ħ': "h", 'Ŧ': "T", 'ŧ': "t", 'ĸ': "k",
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'",
	'“': "\"", '”': "\"", '„': "\"", '‟': "\"", '″': "\"", '«': "\"", '»': "\"",
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",
	'\u00a0': " ", '\u2007': " ", '\u202f': " ", '…': "...", '•': "-", '·': ".", '⁄': "/",
}

// toASCII transliterates s to ASCII: decomposes accented letters and drops
// the combining marks, spells out the letters in asciiSpelled and drops
// everything else outside ASCII.
func toASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r <= unicode.MaxASCII:
			b.WriteRune(r)
		case asciiSpelled[r] != "":
			b.WriteString(asciiSpelled[r])
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > unicode.MaxASCII {
			return false
		}
	}
	return true
}
