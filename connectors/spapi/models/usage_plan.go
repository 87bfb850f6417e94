package models

import (
	"regexp"
	"strconv"
	"sync"
)

// UsagePlan is a default rate limit: a token bucket refilled at Rate tokens
// per second that holds at most Burst tokens.
type UsagePlan struct {
	Rate  float64
	Burst int
}

// usagePlanRow matches the data row of the "Usage Plan" table Amazon puts in
// each operation's description: "| 0.0222 | 10 |".
var usagePlanRow = regexp.MustCompile(`(?m)^\|\s*([0-9]+(?:\.[0-9]+)?)\s*\|\s*([0-9]+)\s*\|\s*$`)

func parseUsagePlan(description string) *UsagePlan {
	m := usagePlanRow.FindStringSubmatch(description)
	if m == nil {
		return nil
	}
	rate, err1 := strconv.ParseFloat(m[1], 64)
	burst, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return nil
	}
	return &UsagePlan{Rate: rate, Burst: burst}
}

// DefaultRateLimit returns the operation's default usage plan: the row of
// the rate-limit table (RateLimits) when there is one, else the plan in the
// operation's description. ok is false for the few sandbox-only operations
// that declare none. The client asks before every call, so the table is
// parsed once.
func (op *Operation) DefaultRateLimit() (plan UsagePlan, ok bool) {
	if p, ok := tablePlans()[op.QualifiedName()]; ok {
		return p, true
	}
	if op.UsagePlan != nil {
		return *op.UsagePlan, true
	}
	return UsagePlan{}, false
}

// tablePlans indexes the rate-limit table by qualified operation name
// (<api>/<version>/<operationId>); the first row of a name wins. It is
// empty when the table does not parse (a build defect the tests catch).
var tablePlans = sync.OnceValue(func() map[string]UsagePlan {
	rows, _ := RateLimits()
	plans := make(map[string]UsagePlan, len(rows))
	for _, r := range rows {
		name := r.API + "/" + r.Version + "/" + r.Operation
		if _, dup := plans[name]; !dup {
			plans[name] = UsagePlan{Rate: r.RatePerSecond, Burst: r.Burst}
		}
	}
	return plans
})
