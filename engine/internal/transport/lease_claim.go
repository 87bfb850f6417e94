package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// LeaseRecord is the value of a lease key: who holds it and since when.
// Times are the holder's wall clock, for people; expiry is never judged by
// them.
type LeaseRecord struct {
	Holder  string    `json:"holder"`
	Since   time.Time `json:"since"`
	Renewed time.Time `json:"renewed"`
	// TTL is the holder's lease time.
	TTL string `json:"ttl"`
}

// claim takes l when it is free, this instance's own, or expired (l.mu held).
func (ls *Leases) claim(ctx context.Context, l *lease) (bool, error) {
	e, err := ls.kv.Get(ctx, l.key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return ls.write(ctx, l, 0, "")
	case err != nil:
		return false, fmt.Errorf("reading the lease of %s: %w", l.id, err)
	}
	var rec LeaseRecord
	_ = json.Unmarshal(e.Value(), &rec) // a value that does not decode is someone else's: it expires
	if rec.Holder == ls.opts.Holder {
		// This instance wrote it (a renewal whose answer was lost): renew
		// now, so that the claim's validity counts from a known moment.
		l.rev, l.held, l.since = e.Revision(), true, rec.Since
		return ls.renew(ctx, l)
	}
	if ls.opts.Sole {
		return ls.write(ctx, l, e.Revision(), rec.Holder)
	}
	now := time.Now()
	if e.Revision() != l.rev || l.seen.IsZero() {
		l.rev, l.seen, l.holder = e.Revision(), now, rec.Holder
		return false, nil
	}
	if now.Sub(l.seen) < ls.opts.TTL {
		return false, nil
	}
	return ls.write(ctx, l, l.rev, rec.Holder)
}

// write claims l with a create (rev 0) or takes it over from holder with an
// update on rev (l.mu held).
func (ls *Leases) write(ctx context.Context, l *lease, rev uint64, holder string) (bool, error) {
	sent := time.Now()
	l.since = sent
	v := ls.record(l)
	ctx, cancel := context.WithTimeout(ctx, ls.Recheck())
	defer cancel()
	var err error
	if rev == 0 {
		rev, err = ls.kv.Create(ctx, l.key, v)
	} else {
		rev, err = ls.kv.Update(ctx, l.key, v, rev)
	}
	switch {
	case isConflict(err):
		l.rev, l.seen = 0, time.Time{} // someone else was first: look again next time
		return false, nil
	case err != nil:
		return false, fmt.Errorf("claiming the lease of %s: %w", l.id, err)
	}
	l.rev, l.held, l.seen = rev, true, time.Time{}
	ls.confirmed(l, sent)
	if holder == "" {
		ls.log.Info("this instance owns the source", "loop", l.id, "instance", ls.opts.Holder)
	} else {
		ls.log.Info("this instance took the source over from a holder that stopped renewing", "loop", l.id, "instance", ls.opts.Holder, "from", holder)
	}
	ls.startRenewer(l)
	return true, nil
}

// renew updates a held lease on the revision this instance wrote (l.mu
// held). A conflict means another engine took it over: l is lost. Another
// error keeps l held but not owned until a renewal goes through.
func (ls *Leases) renew(ctx context.Context, l *lease) (bool, error) {
	sent := time.Now()
	ctx, cancel := context.WithTimeout(ctx, ls.Recheck())
	defer cancel()
	rev, err := ls.kv.Update(ctx, l.key, ls.record(l), l.rev)
	switch {
	case isConflict(err):
		ls.drop(l, "another instance took the lease over")
		ls.log.Warn("another instance took the source's lease over; this instance stops polling it", "loop", l.id)
		l.rev = 0
		return false, nil
	case err != nil:
		l.trusted.Store(0)
		if l.ok {
			l.ok = false
			ls.changed(l, false)
			ls.log.Warn("cannot renew the source's lease; not polling until it can", "loop", l.id, "error", err)
		}
		return false, fmt.Errorf("renewing the lease of %s: %w", l.id, err)
	}
	l.rev = rev
	ls.confirmed(l, sent)
	ls.startRenewer(l)
	return true, nil
}

// confirmed records a write of l sent at sent that went through (l.mu held).
func (ls *Leases) confirmed(l *lease, sent time.Time) {
	l.until = sent.Add(ls.validity())
	l.trusted.Store(int64(l.until.Sub(monoStart)))
	if !l.ok {
		l.ok = true
		ls.changed(l, true)
	}
}

func (ls *Leases) record(l *lease) []byte {
	v, _ := json.Marshal(LeaseRecord{Holder: ls.opts.Holder, Since: l.since.UTC(), Renewed: time.Now().UTC(), TTL: ls.opts.TTL.String()})
	return v
}

// startRenewer renews l every Recheck until it is dropped or Stop (l.mu
// held); it does nothing when l's renewer runs.
func (ls *Leases) startRenewer(l *lease) {
	if l.quit != nil {
		return
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.stopped {
		return
	}
	quit := make(chan struct{})
	l.quit = quit
	ls.wg.Add(1)
	go func() {
		defer ls.wg.Done()
		t := time.NewTicker(ls.Recheck())
		defer t.Stop()
		for {
			select {
			case <-ls.stop:
				return
			case <-quit:
				return
			case <-t.C:
			}
			l.mu.Lock()
			if l.quit == quit && l.held {
				_, _ = ls.renew(context.Background(), l)
			}
			l.mu.Unlock()
		}
	}()
}

// isConflict tells a compare-and-set that found another revision (codes
// 10071 and, on replicated streams, 10164).
func isConflict(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
