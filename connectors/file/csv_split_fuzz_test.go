package file

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzCSVRecords checks that splitting a CSV file into records and parsing
// each one gives what encoding/csv gives for the whole file, whenever that
// parses, and that the records are the whole input, in order.
func FuzzCSVRecords(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"a;b\r\n\"x;\ny\";\"\"\"q\"\"\"\r\n\r\nz;w",
		"a,b\n\"1\n\n2\",3\n4,\"\"\n",
		"x\n\"\"\n\n\n\"a\"\"\n\"\n",
	} {
		f.Add([]byte(seed), ';', 7)
		f.Add([]byte(seed), ',', 64)
	}
	f.Fuzz(func(t *testing.T, input []byte, delim rune, max int) {
		want := csv.NewReader(bytes.NewReader(input))
		want.Comma, want.FieldsPerRecord = delim, -1
		wantRecords, err := want.ReadAll()
		if err != nil {
			t.Skip("encoding/csv refuses it")
		}
		max = max%256 + 1
		rr := newRecordReader(bytes.NewReader(input), cursor{}, max, newCSVSplitter(delim))
		p := newCSVParser(string(delim))
		var got [][]string
		var whole []byte
		for {
			rec, err := rr.read()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if rec.data == nil {
				require.Greater(t, rec.size, int64(max))
				require.LessOrEqual(t, len(rec.head), headBytes)
				t.Skip("a record over the limit")
			}
			whole = append(whole, rec.data...)
			fields, err := p.parse(rec)
			if errors.Is(err, io.EOF) {
				continue
			}
			require.NoError(t, err)
			got = append(got, fields)
			require.Equal(t, int64(len(whole)), rec.end.offset)
		}
		require.Equal(t, string(input), string(whole), "the records are the input")
		require.Equal(t, wantRecords, got)
	})
}
