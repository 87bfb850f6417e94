package service_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// call sends a request to the engine's API and decodes the JSON answer.
func call(t *testing.T, e *service.Engine, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+e.Addr()+path, bytes.NewBufferString(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(data, &out), string(data))
	return resp.StatusCode, out
}

func TestAPI_dead_letter_lifecycle(t *testing.T) {
	dir := writeDir(t, packagePipeline)
	writeInput(t, dir, "1.jsonl", 3, func(i int) string {
		return fmt.Sprintf(`{"id":"a%d","order":"113-%d","pkg":1,"v":1,"sku":"X%d","buyer":{"name":"Jane Roe"}}`, i, i, i)
	})
	e := startEngine(t, dir, t.TempDir(), newTarget(), nil)
	recs := openRecords(t, e, 3)

	code, list := call(t, e, http.MethodGet, "/api/dlq?pipeline=packages", "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 3.0, list["count"])
	first := list["records"].([]any)[0].(map[string]any)
	assert.Nil(t, first["original"], "lists carry summaries")
	assert.Equal(t, "open", first["status"])

	code, groups := call(t, e, http.MethodGet, "/api/dlq/groups", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, 1.0, groups["count"])
	g := groups["groups"].([]any)[0].(map[string]any)
	assert.True(t, strings.HasSuffix(g["reason"].(string), `/packages.yaml:8:26: table {} has no key {}`), "the reason keeps the expression's location: %s", g["reason"])
	assert.Equal(t, 3.0, g["count"])
	assert.Len(t, g["examples"], 3)

	code, shown := call(t, e, http.MethodGet, fmt.Sprintf("/api/dlq/%d?mask=true", recs[0].Seq), "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[masked]", shown["original"].(map[string]any)["buyer"])

	// A replay that fails again answers failed with the new record.
	code, out := call(t, e, http.MethodPost, fmt.Sprintf("/api/dlq/%d/replay?wait=60s", recs[0].Seq), "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "failed", out["status"])
	assert.NotZero(t, out["dlq_seq"])
	assert.Equal(t, out["dlq_seq"], out["dead_letter"].(map[string]any)["seq"])

	// Resolve, twice.
	path := fmt.Sprintf("/api/dlq/%d/resolve", recs[1].Seq)
	code, out = call(t, e, http.MethodPost, path, `{"note":"refunded"}`)
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, "resolved", out["status"])
	code, out = call(t, e, http.MethodPost, path, `{"note":"refunded"}`)
	assert.Equal(t, http.StatusConflict, code)
	assert.Equal(t, "conflict", out["code"])
	assert.Contains(t, out["error"], "is already resolved")

	// Drop, twice.
	code, _ = call(t, e, http.MethodDelete, fmt.Sprintf("/api/dlq/%d", recs[2].Seq), "")
	assert.Equal(t, http.StatusOK, code)
	code, out = call(t, e, http.MethodDelete, fmt.Sprintf("/api/dlq/%d", recs[2].Seq), "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "not_found", out["code"])

	// Bulk resolve of the group: a job to poll.
	code, out = call(t, e, http.MethodPost, "/api/dlq/resolve", `{"filter":{}}`)
	assert.Equal(t, http.StatusBadRequest, code, "an empty filter must be meant")
	code, job := call(t, e, http.MethodPost, "/api/dlq/resolve", fmt.Sprintf(`{"filter":{"group":%q},"note":"SKUs retired"}`, recs[0].Group))
	require.Equal(t, http.StatusAccepted, code, "%v", job)
	var done map[string]any
	componenttest.WaitFor(t, "the job to finish", func() bool {
		_, done = call(t, e, http.MethodGet, "/api/dlq/jobs/"+job["id"].(string), "")
		return done["state"] == "done"
	})
	assert.Equal(t, 1.0, done["total"], "the one open record left: %v", done)
	assert.Equal(t, 1.0, done["ok"])
	code, list = call(t, e, http.MethodGet, "/api/dlq", "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 0.0, list["count"])
	_, list = call(t, e, http.MethodGet, "/api/dlq?status=all", "")
	assert.Equal(t, 3.0, list["count"], "resolved records are kept")
}
