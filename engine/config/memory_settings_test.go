package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad_reads_the_memory_bounds_of_transport_and_server(t *testing.T) {
	p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
server: { memory_limit_mib: 100 }
transport: { max_ahead: 500, max_ahead_bytes: 8388608 }
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
`, nil)
	require.NoError(t, err)
	assert.Equal(t, 500, p.Transport.MaxAhead)
	assert.Equal(t, int64(8<<20), p.Transport.MaxAheadBytes)
	require.NotNil(t, p.Server.MemoryLimitMiB)
	assert.Equal(t, int64(100), *p.Server.MemoryLimitMiB)
}

func TestLoad_rejects_memory_bounds_below_their_minimum_with_positions(t *testing.T) {
	_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
server: { memory_limit_mib: -1 }
transport:
  max_ahead_bytes: -2
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
`, nil)
	require.Error(t, err)
	assert.Equal(t, "client/pipewright.yaml:2:29: must be >= 0 but found -1\n"+
		"client/pipewright.yaml:4:20: must be >= -1 but found -2", err.Error())
}
