package models_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// The embedded files are copies of ../shared/spapi; they must not drift.
func TestModels_match_the_shared_reference_pack(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "..", "shared", "spapi")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("reference pack not present at %s", shared)
	}
	n := 0
	err := fs.WalkDir(models.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || slices.Contains(models.WrittenFromDocs, path) {
			return err
		}
		src := filepath.Join(shared, path)
		if filepath.Dir(path) == "api" {
			src = filepath.Join(shared, "models", filepath.Base(path))
		}
		want, err := os.ReadFile(src)
		require.NoError(t, err)
		got, err := fs.ReadFile(models.FS(), path)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), path)
		n++
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 20)
}

func TestRateLimits_parse(t *testing.T) {
	rows, err := models.RateLimits()
	require.NoError(t, err)
	byOp := map[string]models.RateLimit{}
	for _, r := range rows {
		byOp[r.Version+"/"+r.Operation] = r
	}
	assert.Equal(t, 0.0056, byOp["2026-01-01/searchOrders"].RatePerSecond)
	assert.Equal(t, 20, byOp["2026-01-01/searchOrders"].Burst)
	assert.Equal(t, "/orders/v0/orders/{orderId}/shipmentConfirmation", byOp["v0/confirmShipment"].Path)
}

func TestCarrierCodes(t *testing.T) {
	codes := models.CarrierCodes()
	assert.Len(t, codes, 377)
	assert.Contains(t, codes, "UPS")
	assert.Contains(t, codes, "Other")
}
