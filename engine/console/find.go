package console

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// findData is what every flow did with a business key.
type findData struct {
	Key   string
	Flows []*keyFlow
	// Searched: a key was given.
	Searched bool
	Errors   []string
}

func (findData) title() (string, string) { return "Find", "find" }

// keyFlow is one flow's part of a key's story: its events and the dead
// letters they point to, as they are now.
type keyFlow struct {
	Pipeline string
	// KeyNames say what the key is to this flow (order, sku...).
	KeyNames    []string
	Events      []service.ActivityEvent
	DeadLetters map[uint64]*service.DeadLetter
	Delivered   int
	Open        int
}

func (c *Console) find(w http.ResponseWriter, r *http.Request, info reqInfo) {
	d := findData{Key: strings.TrimSpace(r.URL.Query().Get("key"))}
	if d.Key != "" {
		d.Searched = true
		ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
		defer cancel()
		c.story(ctx, &d)
	}
	c.render(w, r, http.StatusOK, "find", info, d)
}

// story gathers the key's events by flow, and its dead letters: those the
// events name and those filed under the key itself.
func (c *Console) story(ctx context.Context, d *findData) {
	a := c.e.Admin()
	byFlow := map[string]*keyFlow{}
	flow := func(name string) *keyFlow {
		if byFlow[name] == nil {
			byFlow[name] = &keyFlow{Pipeline: name, DeadLetters: map[uint64]*service.DeadLetter{}}
		}
		return byFlow[name]
	}
	events, err := c.e.ActivityFor(ctx, d.Key)
	if err != nil {
		d.Errors = append(d.Errors, "activity: "+err.Error())
	}
	for _, ev := range events {
		f := flow(ev.Pipeline)
		f.Events = append(f.Events, ev)
		if ev.KeyName != "" && !slices.Contains(f.KeyNames, ev.KeyName) {
			f.KeyNames = append(f.KeyNames, ev.KeyName)
		}
		for _, ref := range refsOf(ev) {
			if _, ok := f.DeadLetters[ref]; ok {
				continue
			}
			if rec, err := a.Get(ctx, ref); err == nil {
				f.DeadLetters[ref] = a.Present(rec, false, false)
			}
		}
	}
	recs, err := a.List(ctx, service.DeadLetterFilter{Key: d.Key})
	if err != nil {
		d.Errors = append(d.Errors, "dead letters: "+err.Error())
	}
	for _, rec := range recs {
		flow(rec.Pipeline).DeadLetters[rec.Seq] = a.Present(rec, false, false)
	}
	for _, f := range byFlow {
		for _, ev := range f.Events {
			if len(ev.Delivered) > 0 {
				f.Delivered++
			}
		}
		for _, rec := range f.DeadLetters {
			if rec.Open() {
				f.Open++
			}
		}
		d.Flows = append(d.Flows, f)
	}
	sort.Slice(d.Flows, func(i, j int) bool { return d.Flows[i].Pipeline < d.Flows[j].Pipeline })
}

// refsOf lists the dead letters an event names.
func refsOf(ev service.ActivityEvent) []uint64 {
	var seqs []uint64
	for _, dl := range ev.DeadLetters {
		seqs = append(seqs, dl.Seq)
	}
	if ev.ReplayOf != 0 {
		seqs = append(seqs, ev.ReplayOf)
	}
	if ev.Seq != 0 {
		seqs = append(seqs, ev.Seq)
	}
	return seqs
}
