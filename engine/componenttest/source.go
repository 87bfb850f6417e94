package componenttest

import (
	"context"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/source"
)

// CreateSource creates a source with f and wraps it in the engine's
// source runner, as the engine does: starting the result runs the
// source's poll loops and serves its routes.
func CreateSource(ctx context.Context, f component.SourceFactory, set component.SourceSettings, cfg any) (*source.Runner, error) {
	src, err := f.CreateSource(ctx, set, cfg)
	if err != nil {
		return nil, err
	}
	return source.New(set, src, source.Options{}), nil
}
