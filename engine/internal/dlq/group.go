package dlq

import (
	"sort"
	"time"
)

// Group is the records of one pipeline that failed for one reason.
type Group struct {
	// ID is GroupID(Pipeline, Reason): use it to list, replay or resolve
	// the group.
	ID       string `json:"id"`
	Pipeline string `json:"pipeline"`
	Reason   string `json:"reason"`
	// Steps are the steps the records failed at.
	Steps []string `json:"steps"`
	Count int      `json:"count"`
	// FirstFailedAt and LastFailedAt span the records' failures.
	FirstFailedAt time.Time `json:"first_failed_at"`
	LastFailedAt  time.Time `json:"last_failed_at"`
	// Examples are the newest records (summaries, newest first).
	Examples []*Record `json:"examples"`
}

// GroupRecords groups records by pipeline and reason, largest group first,
// keeping up to examples summaries per group.
func GroupRecords(recs []*Record, examples int) []*Group {
	byID := map[string]*Group{}
	var groups []*Group
	for _, r := range recs {
		g := byID[r.Group]
		if g == nil {
			g = &Group{ID: r.Group, Pipeline: r.Pipeline, Reason: r.Reason, FirstFailedAt: r.FailedAt, LastFailedAt: r.FailedAt}
			byID[r.Group] = g
			groups = append(groups, g)
		}
		g.Count++
		if !contains(g.Steps, r.Step) {
			g.Steps = append(g.Steps, r.Step)
		}
		if r.FailedAt.Before(g.FirstFailedAt) {
			g.FirstFailedAt = r.FailedAt
		}
		if r.FailedAt.After(g.LastFailedAt) {
			g.LastFailedAt = r.FailedAt
		}
		g.Examples = append(g.Examples, r.Summary())
	}
	for _, g := range groups {
		sort.SliceStable(g.Examples, func(i, j int) bool { return g.Examples[i].Seq > g.Examples[j].Seq })
		if len(g.Examples) > examples {
			g.Examples = g.Examples[:examples]
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].Count != groups[j].Count {
			return groups[i].Count > groups[j].Count
		}
		return groups[i].LastFailedAt.After(groups[j].LastFailedAt)
	})
	return groups
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
