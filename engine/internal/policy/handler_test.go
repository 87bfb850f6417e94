package policy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestChain_the_first_middleware_is_the_outermost(t *testing.T) {
	var got []string
	mw := func(name string) policy.Middleware {
		return func(next policy.Handler) policy.Handler {
			return func(ctx context.Context, d *policy.Delivery) error {
				got = append(got, name+" in")
				err := next(ctx, d)
				got = append(got, name+" out")
				return err
			}
		}
	}
	h := policy.Chain(func(context.Context, *policy.Delivery) error { got = append(got, "handler"); return nil }, mw("a"), mw("b"))
	assert.NoError(t, h(context.Background(), delivery("m1")))
	assert.Equal(t, []string{"a in", "b in", "handler", "b out", "a out"}, got)
}
