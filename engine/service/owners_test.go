package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/natstest"
	"github.com/pipewright/pipewright/engine/service"
)

// owned is the pipewright_source_owned series of pipeline's only loop, and
// whether the engine exports it.
func owned(t *testing.T, e *service.Engine, pipeline string) (float64, bool) {
	t.Helper()
	families, err := e.Registry().Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "pipewright_source_owned" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "pipeline" && l.GetValue() == pipeline {
					return m.GetGauge().GetValue(), true
				}
			}
		}
	}
	return 0, false
}

// ownerOf is what e says of pipeline's source.
func ownerOf(t *testing.T, e *service.Engine, pipeline string) service.SourceOwner {
	t.Helper()
	o, err := e.SourceOwners(context.Background())
	require.NoError(t, err)
	assert.Equal(t, e.Instance(), o.Instance)
	for _, so := range o.Sources {
		if so.Pipeline == pipeline {
			return so
		}
	}
	t.Fatalf("no source of %s in %+v", pipeline, o)
	return service.SourceOwner{}
}

func TestEngine_engines_sharing_a_NATS_poll_each_source_on_one_of_them_and_all_take_webhooks(t *testing.T) {
	ns := natstest.StartServer(t)
	dir := writeDir(t, `
-- pipewright.yaml --
project: owned
transport: { url: "${env:NATS_URL}", source_lease: 10s }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl, watch: 50ms } }
sink: { test.lines: { path: out.jsonl } }
-- hooks.yaml --
pipeline: hooks
source: { test.hook: { path: /hooks/in } }
sink: { test.lines: { path: hooks.jsonl } }
`)
	const n = 50
	writeInput(t, dir, "in.jsonl", n, func(i int) string { return fmt.Sprintf(`{"id":"o%d"}`, i) })
	env := map[string]string{"NATS_URL": ns.URL()}
	data := []string{t.TempDir(), t.TempDir()}
	engines := []*service.Engine{startEngine(t, dir, data[0], newTarget(), env), startEngine(t, dir, data[1], newTarget(), env)}
	assert.NotEqual(t, engines[0].Instance(), engines[1].Instance())

	var holder, other *service.Engine
	componenttest.WaitFor(t, "both engines to agree which holds the orders source", func() bool {
		a, b := ownerOf(t, engines[0], "orders"), ownerOf(t, engines[1], "orders")
		switch {
		case a.Holder == "" || a.Holder != b.Holder:
			return false
		case a.ThisInstance:
			holder, other = engines[0], engines[1]
		default:
			holder, other = engines[1], engines[0]
		}
		return true
	})
	theirs := ownerOf(t, other, "orders")
	assert.False(t, theirs.ThisInstance)
	assert.Equal(t, holder.Instance(), theirs.Holder)
	assert.False(t, theirs.Expired)
	componenttest.WaitFor(t, "the metric on both engines", func() bool {
		h, hok := owned(t, holder, "orders")
		o, ook := owned(t, other, "orders")
		return hok && ook && h == 1 && o == 0
	})
	for _, e := range engines {
		assert.True(t, ownerOf(t, e, "hooks").Pushed, "a push source has no owner")
		resp, err := http.Post("http://"+e.Addr()+"/hooks/in", "application/json", strings.NewReader(`{"id":"h"}`))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusAccepted, resp.StatusCode, "every engine takes webhooks")
	}

	resp, err := http.Get("http://" + other.Addr() + "/api/owners")
	require.NoError(t, err)
	var api service.Owners
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&api))
	resp.Body.Close()
	assert.Equal(t, other.Instance(), api.Instance)
	assert.Equal(t, "10s", api.Lease)
	assert.Contains(t, api.Sources, service.SourceOwner{Pipeline: "hooks", Pushed: true})

	stopEngine(t, holder)
	componenttest.WaitFor(t, "the other engine to take the source over", func() bool {
		v, _ := owned(t, other, "orders")
		return ownerOf(t, other, "orders").ThisInstance && v == 1
	})
	componenttest.WaitFor(t, "every line in a sink", func() bool {
		ids := map[string]bool{}
		for _, d := range data {
			for _, line := range completeLinesOf(t, filepath.Join(d, "out.jsonl")) {
				ids[line] = true
			}
		}
		return len(ids) == n
	})
}
