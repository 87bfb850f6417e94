package main

import (
	"bytes"
	"errors"
	"io"
	"os"
)

// follower counts the lines of a file another process appends to, reading
// only what was added since it last looked: cheap enough to ask often, and
// it never asks the engine anything.
type follower struct {
	path  string
	f     *os.File
	lines int
	buf   []byte
}

func newFollower(path string) *follower { return &follower{path: path, buf: make([]byte, 1<<20)} }

// count returns the complete lines in the file so far (0 while it does not
// exist).
func (fl *follower) count() (int, error) {
	if fl.f == nil {
		f, err := os.Open(fl.path)
		if errors.Is(err, os.ErrNotExist) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		fl.f = f
	}
	for {
		n, err := fl.f.Read(fl.buf)
		fl.lines += bytes.Count(fl.buf[:n], []byte{'\n'})
		if errors.Is(err, io.EOF) || n == 0 {
			return fl.lines, nil
		}
		if err != nil {
			return fl.lines, err
		}
	}
}

func (fl *follower) close() {
	if fl.f != nil {
		_ = fl.f.Close()
	}
}
