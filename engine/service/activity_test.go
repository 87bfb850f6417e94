package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/service"
)

// kinds lists a key's events as "pipeline kind [delivered] [dl] [replay:outcome] [how]".
func kinds(t *testing.T, e *service.Engine, key string) []string {
	t.Helper()
	require.NoError(t, e.FlushActivity(context.Background()))
	evs, err := e.ActivityFor(context.Background(), key)
	require.NoError(t, err)
	var out []string
	for _, ev := range evs {
		s := ev.Pipeline + " " + ev.Kind + " as " + ev.KeyName
		if len(ev.Delivered) > 0 {
			s += " delivered:" + strings.Join(ev.Delivered, ",")
		}
		if len(ev.DeadLetters) > 0 {
			s += " dead-lettered:" + ev.DeadLetters[0].Reason
		}
		if ev.ReplayOf != 0 {
			s += " replay:" + ev.Outcome
		}
		if ev.How != "" {
			s += " resolved:" + ev.How
		}
		out = append(out, s)
	}
	return out
}

// The engine files what it does with each message under the pipeline's
// activity keys: deliveries, dead letters, replays (a resuming one under
// the keys of the original message, not of the step input it carries) and
// resolutions by an operator.
func TestActivity_files_what_happened_under_every_key(t *testing.T) {
	dir := writeDir(t, skuPipeline+`activity:
  keys: { order: msg.order, sku: msg.sku }
`)
	writeInput(t, dir, "1.jsonl", 3, func(i int) string {
		return []string{`{"id":"o1","order":"113-1","sku":"A"}`, `{"id":"o2","order":"113-2","sku":"B"}`, `{"id":"o3","order":"113-3","sku":"B"}`}[i]
	})
	e := startEngine(t, dir, t.TempDir(), newTarget(), nil)
	recs := openRecords(t, e, 2)
	byOrder := map[string]*service.DeadLetter{}
	for _, r := range recs {
		byOrder[strings.TrimSuffix(strings.Fields(r.Error)[5], ":")] = r // unknown SKU B in order 113-2: ...
	}
	ctx := context.Background()

	_, err := e.Admin().Resolve(ctx, byOrder["113-2"].Seq, "order cancelled")
	require.NoError(t, err)
	o, err := e.Admin().ReplayAndWait(ctx, byOrder["113-3"].Seq, service.ReplayRequest{Body: []byte(`{"id":"o3","order":"113-3","sku":"B","item":"ITEM-B"}`)}, time.Minute)
	require.NoError(t, err)
	require.Equal(t, service.ReplayOK, o.Status)

	assert.Equal(t, []string{"orders processed as order delivered:main: target (erp)"}, kinds(t, e, "113-1"))
	assert.Equal(t, []string{
		"orders processed as order dead-lettered:unknown SKU {} in order {}: add it to tables/skus.csv",
		"orders resolved as order resolved:operator",
	}, kinds(t, e, "113-2"))
	assert.Equal(t, []string{
		"orders processed as order dead-lettered:unknown SKU {} in order {}: add it to tables/skus.csv",
		"orders processed as order delivered:main: target (erp) replay:ok",
	}, kinds(t, e, "113-3"), "the resumed replay is filed under the original's order")
	assert.Len(t, kinds(t, e, "B"), 4, "both orders' events under the SKU")
	assert.Empty(t, kinds(t, e, "ITEM-B"), "nothing under values that are no keys")
}
