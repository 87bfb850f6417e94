package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/engine/component"
)

// Document transfers classify statuses as calls do: 408, 429 and 5xx are
// retried, other failures are permanent; the pre-signed URL stays out of
// the error.
func TestClient_Download_retries_as_calls_do(t *testing.T) {
	var doc bytes.Buffer
	zw := gzip.NewWriter(&doc)
	_, _ = zw.Write([]byte("report"))
	require.NoError(t, zw.Close())
	tests := []struct {
		name      string
		statuses  []int
		calls     int32
		permanent bool
	}{
		{"success", []int{200}, 1, false},
		{"request timeout then success", []int{408, 200}, 2, false},
		{"throttled then success", []int{429, 503, 200}, 3, false},
		{"forbidden is permanent", []int{403}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			tc := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				status := tt.statuses[min(int(n.Add(1))-1, len(tt.statuses)-1)]
				w.WriteHeader(status)
				if status == http.StatusOK {
					_, _ = w.Write(doc.Bytes())
				}
			}))
			url := tc.url + "/doc?X-Amz-Signature=s3cret"
			d, err := tc.Download(context.Background(), url, "GZIP")
			assert.Equal(t, tt.calls, n.Load())
			if !tt.permanent {
				require.NoError(t, err)
				assert.Equal(t, "report", string(d.Data))
				return
			}
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err), "%v", err)
			assert.ErrorIs(t, err, client.ErrURLRefused, "a 403 asks for a new URL")
			assert.NotContains(t, err.Error(), "s3cret")
		})
	}
}
