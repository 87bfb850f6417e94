package settlement_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
	"github.com/pipewright/pipewright/engine/component"
)

func FuzzParse(f *testing.F) {
	// Small seeds: the first lines of each layout (big seeds make every
	// minimization slow).
	for _, name := range []string{"v2-us.txt", "v2-de-cp1252.txt", "ca-flatfile-v1-50041020342.txt"} {
		lines := bytes.SplitAfter(read(f, name), []byte("\n"))
		f.Add(bytes.Join(lines[:4], nil))
	}
	f.Add([]byte("settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\ttransaction-type\tprice-amount\n1\t2017-01-01\t2017-01-02\t\t1,5\tEUR\n1\t\t\t\t\t\tOrder\t1,5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := settlement.ParseBytes(data, "")
		require.NoError(t, err)
		if s.Err() == nil {
			require.True(t, s.Reconciled)
		}
		_, err = component.EncodeJSON(s.Value())
		require.NoError(t, err)
	})
}
