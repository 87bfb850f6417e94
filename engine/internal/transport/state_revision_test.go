package transport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

func TestState_puts_a_revision_only_over_the_revision_it_read(t *testing.T) {
	ctx := context.Background()
	c := natstest.StartServer(t)
	kv := buckets(t, c.Connect(), "cas").State
	mine, theirs := transport.NewState(kv, "orders/source"), transport.NewState(kv, "orders/source")

	_, rev, err := mine.GetRevision(ctx, "cursor")
	require.ErrorIs(t, err, component.ErrNotFound)
	require.Zero(t, rev)
	rev, err = mine.PutRevision(ctx, "cursor", []byte("1"), rev)
	require.NoError(t, err, "created")
	_, err = theirs.PutRevision(ctx, "cursor", []byte("x"), 0)
	require.ErrorIs(t, err, component.ErrConflict, "a second create finds the key")

	rev, err = mine.PutRevision(ctx, "cursor", []byte("2"), rev)
	require.NoError(t, err, "updated on the revision it wrote")
	require.NoError(t, theirs.Put(ctx, "cursor", []byte("9")))
	_, err = mine.PutRevision(ctx, "cursor", []byte("3"), rev)
	require.ErrorIs(t, err, component.ErrConflict, "another writer moved it")

	v, rev2, err := mine.GetRevision(ctx, "cursor")
	require.NoError(t, err)
	assert.Equal(t, "9", string(v), "the other writer's value stays")
	assert.Greater(t, rev2, rev)

	require.NoError(t, theirs.Delete(ctx, "cursor"))
	_, err = mine.PutRevision(ctx, "cursor", []byte("4"), 0)
	require.NoError(t, err, "a deleted key is created again from revision 0")
}
