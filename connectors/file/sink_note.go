package file

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"

	"github.com/pipewright/pipewright/engine/component"
)

// A file sink without a key drops a message id it wrote before
// (component.Repeats), and records the ids after each append. A crash
// between the two would leave ids of lines in the file unrecorded, and
// their redelivery written again. So before each append the sink notes in
// <path>.pending the file's size and the ids of the batch's lines, in
// order; opening the file (at start, or after a failed write it could not
// take back) records the ids of the noted lines that are complete in the
// file.

// batchNote is the content of the .pending file.
type batchNote struct {
	Size int64    `json:"size"` // of the file before the batch
	IDs  []string `json:"ids"`  // of the batch's lines, in order
}

func (s *fileSink) notePath() string { return s.path + ".pending" }

// note writes the note of batch (perMsg: its encoding failures, which
// have no line) for a file of size bytes, synced with the file when the
// sink syncs. The note file stays open between batches: each note
// truncates it and writes it again, which costs no open and close per
// batch and, like creating the file afresh, never leaves a mix of two
// notes (a crash in between leaves it empty: unreadable, ignored).
func (s *fileSink) note(batch []*component.Message, perMsg error, size int64) error {
	if s.repeats == nil {
		return nil
	}
	data := append(s.noteBuf[:0], `{"size":`...)
	data = strconv.AppendInt(data, size, 10)
	data = append(data, `,"ids":[`...)
	first := true
	for i, m := range batch {
		if component.ErrFor(perMsg, i) != nil {
			continue
		}
		if !first {
			data = append(data, ',')
		}
		first = false
		data = component.AppendJSONString(data, m.ID)
	}
	data = append(data, "]}"...)
	s.noteBuf = data[:0]
	if err := s.writeNote(data); err != nil {
		s.closeNote()
		return err
	}
	return nil
}

// writeNote replaces the content of the note file with data.
func (s *fileSink) writeNote(data []byte) error {
	if s.noteFile == nil {
		f, err := os.OpenFile(s.notePath(), os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		s.noteFile = f
	}
	if err := s.noteFile.Truncate(0); err != nil {
		return err
	}
	if _, err := s.noteFile.WriteAt(data, 0); err != nil {
		return err
	}
	if s.sync {
		return s.noteFile.Sync()
	}
	return nil
}

// closeNote closes the note file, when open; the next note opens it again
// (after a failure, or before recovery removes it).
func (s *fileSink) closeNote() error {
	if s.noteFile == nil {
		return nil
	}
	err := s.noteFile.Close()
	s.noteFile = nil
	return err
}

// readNote returns the note of the last batch, or nil (none, unreadable,
// or a sink with a key).
func (s *fileSink) readNote() *batchNote {
	if s.repeats == nil {
		return nil
	}
	data, err := os.ReadFile(s.notePath())
	if err != nil {
		return nil
	}
	n := &batchNote{}
	if json.Unmarshal(data, n) != nil {
		s.log.Warn("file sink ignores an unreadable note of its last batch", "path", s.notePath())
		return nil
	}
	return n
}

// recordNoted records the ids of the first lines of the noted batch,
// which are complete in the file, and removes the note. When they cannot
// be recorded the note stays for the next opening.
func (s *fileSink) recordNoted(ctx context.Context, n *batchNote, lines int) {
	if n == nil {
		return
	}
	ids := n.IDs[:min(lines, len(n.IDs))]
	if err := s.repeats.Record(ctx, ids...); err != nil {
		s.log.Warn("file sink cannot record the ids of its last batch; their redelivery would be written again",
			"path", s.path, "ids", len(ids), "error", err)
		return
	}
	if err := os.Remove(s.notePath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("file sink cannot remove the note of its last batch", "path", s.notePath(), "error", err)
	}
}
