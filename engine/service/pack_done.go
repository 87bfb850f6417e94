package service

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
)

// A pack's done set holds the ids of its records that were settled
// (delivered, dropped by a step, or dead-lettered). It is kept in the
// seen-id bucket (so it is forgotten after transport.sink_dedup_window)
// under a key derived from the id of the pack's first record: a source
// that publishes the same batch again after a restart from its cursor cuts
// it into the same packs, and when the batch grew or shrank meanwhile the
// packs still start with the same records, only the last one differs; its
// done set is found under the same key and holds the records that were
// settled before.
//
// It is written when a record of the pack is handed back to the stream
// (the redelivery skips what was settled) and, in a pipeline with a keyless
// sink, once every record is settled, before the pack is acknowledged;
// every delivery of such a pipeline reads it first (a republish comes with
// delivery count 1).

// doneSet is a pack's done set: hashes of record ids, and whether it was
// written by a delivery that settled every record of its pack.
type doneSet struct {
	ids     map[uint64]bool
	settled bool
}

// doneVersion is the first byte of a stored done set; the second is 1 for
// a settled pack. Eight bytes per record id follow.
const doneVersion = 1

// packKey is the done set key of a pack whose first record has id first.
func packKey(first string) string {
	sum := sha256.Sum256([]byte(first))
	return "pack/" + base64.RawURLEncoding.EncodeToString(sum[:16])
}

// idHash is the hash of a record id in a done set: 64 bits of SHA-256, so
// two ids of a pack collide with a probability of about 2^-50.
func idHash(id string) uint64 {
	sum := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(sum[:8])
}

// has reports whether the record with id is in the set.
func (d *doneSet) has(id string) bool { return d.ids[idHash(id)] }

// add puts the record with id in the set.
func (d *doneSet) add(id string) {
	if d.ids == nil {
		d.ids = map[uint64]bool{}
	}
	d.ids[idHash(id)] = true
}

func (d *doneSet) encode() []byte {
	b := make([]byte, 2, 2+8*len(d.ids))
	b[0] = doneVersion
	if d.settled {
		b[1] = 1
	}
	for h := range d.ids {
		b = binary.BigEndian.AppendUint64(b, h)
	}
	return b
}

func decodeDoneSet(b []byte) (doneSet, error) {
	if len(b) < 2 || b[0] != doneVersion || (len(b)-2)%8 != 0 {
		return doneSet{}, errors.New("malformed done set")
	}
	d := doneSet{ids: make(map[uint64]bool, (len(b)-2)/8), settled: b[1] == 1}
	for b = b[2:]; len(b) > 0; b = b[8:] {
		d.ids[binary.BigEndian.Uint64(b)] = true
	}
	return d, nil
}

// loadDone reads the done set of the pack records; an empty set when
// there is none. An error means the set could not be read.
func (p *pipelineRunner) loadDone(ctx context.Context, records []*message.Message) (doneSet, error) {
	b, err := p.packs.Get(ctx, packKey(records[0].UUID))
	switch {
	case errors.Is(err, component.ErrNotFound):
		return doneSet{}, nil
	case err != nil:
		return doneSet{}, err
	}
	d, err := decodeDoneSet(b)
	if err != nil {
		p.e.log.Warn("ignoring a pack's done set that cannot be read", "pipeline", p.pl.Name, "error", err)
		return doneSet{}, nil
	}
	return d, nil
}

// saveDone writes d as the done set of the pack records, with a fresh
// context: a delivery that timed out still keeps what it settled.
func (p *pipelineRunner) saveDone(ctx context.Context, records []*message.Message, d doneSet) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	if err := p.packs.Put(ctx, packKey(records[0].UUID), d.encode()); err != nil {
		return fmt.Errorf("storing the done set of a pack of %d records: %w", len(records), err)
	}
	return nil
}

// forgetDone deletes the done set of the pack records, once they are all
// settled in a pipeline that keeps no done sets of settled packs.
func (p *pipelineRunner) forgetDone(ctx context.Context, records []*message.Message) {
	if err := p.packs.Delete(context.WithoutCancel(ctx), packKey(records[0].UUID)); err != nil {
		p.e.log.Warn("cannot forget a settled pack's done set", "pipeline", p.pl.Name, "error", err)
	}
}
