package dlq_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/dlq"
)

func TestGroupRecords_counts_by_pipeline_and_reason_with_examples(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	rec := func(seq uint64, pipeline, step, text string, minute int) *dlq.Record {
		reason := dlq.Reason(text)
		return &dlq.Record{Seq: seq, Pipeline: pipeline, Step: step, Error: text, Reason: reason,
			Group: dlq.GroupID(pipeline, reason), FailedAt: t0.Add(time.Duration(minute) * time.Minute), Input: []byte(`{}`)}
	}
	groups := dlq.GroupRecords([]*dlq.Record{
		rec(1, "orders", "rules", "unknown SKU A-1 in order 111-1", 0),
		rec(2, "orders", "rules", "unknown SKU B-2 in order 111-2", 5),
		rec(3, "orders", "sink:main", "customer 7 is on hold", 1),
		rec(4, "orders", "rules", "unknown SKU C-3 in order 111-3", 9),
		rec(5, "shipments", "rules", "unknown SKU A-1 in order 111-1", 2),
	}, 2)
	require.Len(t, groups, 3)
	g := groups[0]
	assert.Equal(t, "orders", g.Pipeline)
	assert.Equal(t, "unknown SKU {} in order {}", g.Reason)
	assert.Equal(t, 3, g.Count)
	assert.Equal(t, []string{"rules"}, g.Steps)
	assert.Equal(t, t0, g.FirstFailedAt)
	assert.Equal(t, t0.Add(9*time.Minute), g.LastFailedAt)
	require.Len(t, g.Examples, 2)
	assert.Equal(t, []uint64{4, 2}, []uint64{g.Examples[0].Seq, g.Examples[1].Seq}, "newest examples")
	assert.Nil(t, g.Examples[0].Input, "examples are summaries")
	assert.Equal(t, "unknown SKU C-3 in order 111-3", g.Examples[0].Error)
	assert.Equal(t, "shipments", groups[1].Pipeline, "the same reason in another pipeline is another group; ties: latest failure first")
}
