package main

import (
	"bytes"
	"errors"
	"io"
	"os"
)

// follower reads a file another process appends to, only what was added
// since it last looked: cheap enough to ask often, and it never asks the
// engine anything.
type follower struct {
	path  string
	f     *os.File
	read  int64 // bytes read
	lines int
	buf   []byte
}

func newFollower(path string) *follower { return &follower{path: path, buf: make([]byte, 1<<20)} }

// count returns the complete lines in the file so far (0 while it does not
// exist).
func (fl *follower) count() (int, error) {
	err := fl.follow(func() { fl.lines = 0 }, func(b []byte) error {
		fl.lines += bytes.Count(b, []byte{'\n'})
		return nil
	})
	return fl.lines, err
}

// follow passes what was appended to the file since it last looked to
// fn, a buffer at a time (nothing while the file does not exist). When
// the file got shorter meanwhile (an engine started after a kill cut a
// torn last line) it calls reset first and reads it again from the start.
func (fl *follower) follow(reset func(), fn func([]byte) error) error {
	if fl.f == nil {
		f, err := os.Open(fl.path)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		fl.f = f
	}
	st, err := fl.f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < fl.read {
		if _, err := fl.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		fl.read = 0
		reset()
	}
	for {
		n, err := fl.f.Read(fl.buf)
		fl.read += int64(n)
		if n > 0 {
			if err := fn(fl.buf[:n]); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) || n == 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (fl *follower) close() {
	if fl.f != nil {
		_ = fl.f.Close()
	}
}
