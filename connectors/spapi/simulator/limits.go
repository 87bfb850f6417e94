package simulator

import (
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// takeToken charges a call to the bucket of its caller and operation, as
// Amazon's usage plans do: one bucket per selling partner (or, for
// grantless calls, application) and operation, with the operation's
// default rate and burst, refilled by the simulator's clock. It returns the
// rate to advertise in x-amzn-RateLimit-Limit and whether the call may
// proceed. The caller holds s.mu.
func (s *Server) takeToken(tok *accessToken, op *models.Operation, now time.Time) (limit string, allowed bool) {
	plan, ok := op.DefaultRateLimit()
	if !ok {
		return "", true
	}
	limit = strconv.FormatFloat(plan.Rate, 'f', -1, 64)
	if !s.cfg.EnforceRateLimits {
		return limit, true
	}
	key := tok.principal() + " " + op.QualifiedName()
	b := s.buckets[key]
	if b == nil {
		b = ratelimit.NewBucket(plan.Rate, plan.Burst, now)
		s.buckets[key] = b
	}
	allowed, _ = b.TryTake(now)
	return limit, allowed
}
