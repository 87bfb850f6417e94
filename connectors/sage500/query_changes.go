package sage500

import (
	"context"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// pollChanges is a poll of a source reading SQL Server change tracking
// (change_tracking): in one snapshot it reads the table's versions, checks
// that the cursor is still a version the change-tracking table holds
// changes after, and runs the query with @watermark bound to the cursor
// (CHANGETABLE returns the changes after it). A change version is assigned
// when its transaction commits, so a long transaction cannot commit behind
// the cursor: the cursor moves to the current version once the query read
// everything, and nothing is read twice.
func (s *querySource) pollChanges(ctx context.Context, stored []byte) (component.Batch, error) {
	var r readResult
	var next any
	err := s.conn.dialect.InSnapshot(ctx, s.conn.db, func(q dialect.Querier) error {
		v, err := s.conn.dialect.ChangeVersions(ctx, q, s.cfg.ChangeTracking)
		if err != nil {
			return err
		}
		if err := s.restoreCursor(ctx, stored, s.startVersion(v)); err != nil {
			return err
		}
		at, ok := s.cur.Watermark.(int64)
		if !ok {
			return component.Permanentf("the stored cursor %v is not a change version: this source followed another watermark before; give the change-tracking source a pipeline of its own", s.cur.Watermark)
		}
		if at < v.MinValid {
			return component.Permanentf("change tracking of %s holds the changes after version %d only, but this source has read up to version %d: "+
				"the changes in between were cleaned up (the database's CHANGE_RETENTION passed while the source was stopped or failing) and may be missed; "+
				"re-read that period with a datetime watermark, then set start to %d to resume from there", s.cfg.ChangeTracking, v.MinValid, at, v.MinValid)
		}
		if r, err = s.read(ctx, q, at); err != nil {
			return err
		}
		next = at
		if r.last != nil {
			next = laterWatermark(next, r.last)
		}
		if !r.truncated {
			next = laterWatermark(next, v.Current)
		}
		return nil
	})
	if err != nil {
		return component.Batch{}, err
	}
	return s.batch(r.docs, next, r.truncated)
}

// startVersion is the version a source without a cursor starts after: its
// start, or the current version.
func (s *querySource) startVersion(v dialect.ChangeVersions) any {
	if s.start != nil {
		return s.start
	}
	return v.Current
}
