package settlement

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"
)

// maxReport bounds a decompressed report.
const maxReport = 512 << 20

// Decode turns a downloaded report into UTF-8 text: it gunzips gzip data,
// converts Windows-1252 / ISO-8859-1 (named by contentType's charset, or
// detected as invalid UTF-8) and drops a byte-order mark.
func Decode(data []byte, contentType string) (string, error) {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", fmt.Errorf("gunzip: %w", err)
		}
		if data, err = io.ReadAll(io.LimitReader(zr, maxReport)); err != nil {
			return "", fmt.Errorf("gunzip: %w", err)
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	charset := ""
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		charset = strings.ToLower(params["charset"])
	}
	switch charset {
	case "iso-8859-1", "latin1", "windows-1252", "cp1252":
		return decodeCP1252(data), nil
	}
	if !utf8.Valid(data) {
		return decodeCP1252(data), nil
	}
	return string(data), nil
}

// cp1252 maps bytes 0x80-0x9F of Windows-1252 to runes; the other bytes are
// the same as ISO-8859-1 (equal to their code point). Undefined bytes map to
// U+FFFD.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

func decodeCP1252(data []byte) string {
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for _, c := range data {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}
