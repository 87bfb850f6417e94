package console

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// recentEvents is how many events a flow page shows.
const recentEvents = 30

// flowData is a flow's page: its state, its open dead letters by reason,
// the latest resolved ones and its recent activity.
type flowData struct {
	Flow     service.FlowStatus
	Groups   []*service.DeadLetterGroup
	Resolved []*service.DeadLetter
	Recent   []service.ActivityEvent
	Errors   []string
}

func (d flowData) title() (string, string) { return d.Flow.Name, "flow" }

func (c *Console) flow(w http.ResponseWriter, r *http.Request, info reqInfo) {
	name := r.PathValue("name")
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	flows, err := c.e.Flows(ctx)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "Cannot read the flows' state: "+err.Error())
		return
	}
	var d flowData
	found := false
	for _, f := range flows {
		if f.Name == name {
			d.Flow, found = f, true
		}
	}
	if !found {
		c.fail(w, r, http.StatusNotFound, "No flow named "+name+" in this directory.")
		return
	}
	d.Flow.LastError = c.maskText(name, d.Flow.LastError)
	a := c.e.Admin()
	if d.Groups, err = a.Groups(ctx, service.DeadLetterFilter{Status: service.StatusOpen, Pipeline: name}, 3); err != nil {
		d.Errors = append(d.Errors, "dead letters: "+err.Error())
	}
	for _, g := range d.Groups {
		for i, ex := range g.Examples {
			g.Examples[i] = a.Present(ex, false, false)
		}
	}
	resolved, err := a.List(ctx, service.DeadLetterFilter{Status: service.StatusResolved, Pipeline: name})
	if err != nil {
		d.Errors = append(d.Errors, "resolved dead letters: "+err.Error())
	}
	sort.SliceStable(resolved, func(i, j int) bool { return resolvedAt(resolved[i]).After(resolvedAt(resolved[j])) })
	for _, rec := range resolved[:min(len(resolved), 10)] {
		d.Resolved = append(d.Resolved, a.Present(rec, false, false))
	}
	if d.Recent, err = c.e.RecentActivity(ctx, name, recentEvents); err != nil {
		d.Errors = append(d.Errors, "activity: "+err.Error())
	}
	c.render(w, r, http.StatusOK, "flow", info, d)
}

func resolvedAt(r *service.DeadLetter) time.Time {
	if r.Resolution == nil {
		return time.Time{}
	}
	return r.Resolution.At
}
