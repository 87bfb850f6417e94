package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/engine/component"
)

// RevisionedState is a component.State whose values have revisions and
// can be written with compare-and-set (the engine's JetStream KV state is
// one). When a source's State is one, the runner keeps the revision of the
// cursor it read or wrote and stores the next cursor only if the key still
// has it: an engine that lost a source to another never overwrites the
// cursor the new owner wrote.
type RevisionedState interface {
	component.State
	// GetRevision returns the value of key and its revision, or
	// component.ErrNotFound.
	GetRevision(ctx context.Context, key string) ([]byte, uint64, error)
	// PutRevision stores value under key if its revision is still
	// revision (0: the key holds no value) and returns the new revision;
	// otherwise it returns component.ErrConflict and stores nothing.
	PutRevision(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
}

// errCursorMoved is what storing a cursor returns when another engine
// wrote it since this loop read it.
var errCursorMoved = errors.New("another instance wrote the cursor since this one read it")

// load reads the stored cursor (none yet is a nil cursor) and, from a
// RevisionedState, its revision.
func (l *loop) load(ctx context.Context) error {
	var v []byte
	var err error
	if rs, ok := l.r.set.State.(RevisionedState); ok {
		v, l.rev, err = rs.GetRevision(ctx, l.key)
	} else {
		v, err = l.r.set.State.Get(ctx, l.key)
	}
	switch {
	case errors.Is(err, component.ErrNotFound):
		l.cursor, l.rev = nil, 0
	case err != nil:
		return err
	default:
		l.cursor = v
	}
	return nil
}

// store stores cursor: with compare-and-set on the revision the loop read
// or wrote when the State has revisions (errCursorMoved when another
// instance wrote it meanwhile), else with a plain put.
func (l *loop) store(ctx context.Context, cursor []byte) error {
	rs, ok := l.r.set.State.(RevisionedState)
	if !ok {
		if err := l.r.set.State.Put(ctx, l.key, cursor); err != nil {
			return fmt.Errorf("storing the cursor: %w", err)
		}
		l.cursor = cursor
		return nil
	}
	rev, err := rs.PutRevision(ctx, l.key, cursor, l.rev)
	switch {
	case errors.Is(err, component.ErrConflict):
		return errCursorMoved
	case err != nil:
		return fmt.Errorf("storing the cursor: %w", err)
	}
	l.cursor, l.rev = cursor, rev
	return nil
}
