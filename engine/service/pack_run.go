package service

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
)

// packRun is one delivery of a pack: what its done set said at the start,
// and, in a pipeline with a keyless sink, its records registered with the
// engine's packMemo.
type packRun struct {
	p       *pipelineRunner
	records []*message.Message
	done    doneSet
	// repeats are the counters of the pipeline's keyless sinks; none when
	// it has none.
	repeats []prometheus.Counter
	entry   *packEntry
}

// startPack reads the done set of the pack records delivered in wm: on
// every delivery in a pipeline with a keyless sink (a republish comes with
// delivery count 1), else only on a redelivery. When it cannot be read in
// a pipeline with a keyless sink the pack goes back to the stream:
// processing it could write records again.
func (p *pipelineRunner) startPack(ctx context.Context, wm *message.Message, records []*message.Message) (*packRun, error) {
	run := &packRun{p: p, records: records, repeats: p.repeatCounters()}
	redelivered := metaUint(wm, metaDelivered) > 1
	if len(run.repeats) > 0 {
		ids := make([]string, len(records))
		for i, r := range records {
			ids[i] = r.UUID
		}
		entry, err := p.e.packMemo.begin(ctx, p.pl.Name, packKey(records[0].UUID), ids, redelivered)
		if err != nil {
			return nil, err
		}
		run.entry = entry
	} else if !redelivered {
		return run, nil
	}
	d, err := p.loadDone(ctx, records)
	switch {
	case err != nil && run.entry != nil:
		run.end()
		p.e.log.Warn("cannot read a pack's done set; the pack comes again", "pipeline", p.pl.Name, "id", wm.UUID, "error", err)
		return nil, err
	case err != nil:
		p.e.log.Warn("cannot read a pack's done set; all its records are processed again", "pipeline", p.pl.Name, "id", wm.UUID, "error", err)
	}
	run.done = d
	if d.settled || !redelivered {
		// The records of a pack settled before, or of another copy of the
		// pack (a republish), are repeats; those a retried pack's earlier
		// deliveries settled are not.
		n := 0
		for _, r := range records {
			if d.has(r.UUID) {
				n++
			}
		}
		for _, c := range run.repeats {
			c.Add(float64(n))
		}
	}
	return run, nil
}

// repeatCounters are the counters of p's sinks that drop repeats by
// message id (component.Repeats).
func (p *pipelineRunner) repeatCounters() []prometheus.Counter {
	var cs []prometheus.Counter
	for _, sr := range p.sinks {
		if sr.seen == nil {
			continue
		}
		if c := sr.seen.counter(); c != nil {
			cs = append(cs, c)
		}
	}
	return cs
}

// finish writes what the delivery settled (done: the records settled now
// or before; settled of them now) in the pack's done set: when a record
// goes back to the stream, and in a pipeline with a keyless sink when the
// pack is settled (all). The ids keyless sinks completed for records that
// the done set does not cover are recorded one at a time.
func (r *packRun) finish(ctx context.Context, done []bool, settled int, all bool) {
	before, loaded := r.done.settled, r.done.ids != nil
	for i, ok := range done {
		if ok {
			r.done.add(r.records[i].UUID)
		}
	}
	r.done.settled = all
	var err error
	switch {
	case !all && settled > 0, all && r.entry != nil && (settled > 0 || !before):
		err = r.p.saveDone(ctx, r.records, r.done)
	case all && loaded && r.entry == nil:
		r.p.forgetDone(ctx, r.records)
	}
	if err != nil {
		r.p.e.log.Warn("cannot store a pack's done set; its records are recorded one at a time", "pipeline", r.p.pl.Name,
			"records", len(r.records), "error", err)
	}
	if r.entry == nil {
		return
	}
	covered := func(id string) bool { return err == nil && r.done.has(id) }
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	for s, ids := range r.entry.unsettled(covered) {
		for _, id := range ids {
			if err := s.kv.Record(ctx, id); err != nil {
				r.p.e.log.Warn("written, but its message id could not be recorded: a redelivery would be written again",
					"pipeline", r.p.pl.Name, "id", id, "error", err)
			}
		}
	}
}

// end ends the delivery's registration with the engine's packMemo.
func (r *packRun) end() {
	if r.entry != nil {
		r.p.e.packMemo.end(r.entry)
		r.entry = nil
	}
}
