package service

import (
	"errors"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/config"
)

// Reload statuses.
const (
	ReloadApplied   = "applied"
	ReloadUnchanged = "unchanged"
	ReloadRefused   = "refused"
)

// ReloadResult is the outcome of a reload.
type ReloadResult struct {
	// Status is ReloadApplied, ReloadUnchanged or ReloadRefused.
	Status string `json:"status"`
	// Trigger is what asked for it: api, watch, signal hangup, ...
	Trigger string `json:"trigger"`
	// Version is the version running after the reload, Previous the one
	// before and Attempted the version of the directory that was read.
	Version   string `json:"version"`
	Previous  string `json:"previous"`
	Attempted string `json:"attempted,omitempty"`
	// Problems are the configuration problems that refused the reload.
	Problems []Problem `json:"problems,omitempty"`
	// Error explains a refusal that is not a configuration problem.
	Error string `json:"error,omitempty"`
	// Restarted names the connections, sources and sinks started anew;
	// the others kept running.
	Restarted []string  `json:"restarted,omitempty"`
	At        time.Time `json:"at"`
}

// Problem is a configuration problem of a refused reload.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
	// Text is the problem as file:line:col: message.
	Text string `json:"text"`
}

// reloads serialises reloads and remembers their outcomes.
type reloads struct {
	run    sync.Mutex // held for a whole reload
	closed bool       // guarded by run

	mu      sync.Mutex // guards the outcomes, read by health at any time
	last    *ReloadResult
	refused *ReloadResult
	// broken is set when a refused reload could not restore every
	// component of the running version.
	broken string
}

// close refuses reloads from now on (engine shutdown), after the one in
// progress.
func (r *reloads) close() {
	r.run.Lock()
	defer r.run.Unlock()
	r.closed = true
}

func (r *reloads) setBroken(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.broken = why
}

// state returns the last reload, the last refused one and the broken reason.
func (r *reloads) state() (last, refused *ReloadResult, broken string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last, r.refused, r.broken
}

// restarted lists the ids of what runs in after and did not in before.
func restarted(before, after *running) []string {
	var ids []string
	for k, c := range after.conns {
		if before.conns[k] == nil {
			ids = append(ids, "connection/"+c.name)
		}
	}
	for k, s := range after.sinks {
		if before.sinks[k] == nil {
			ids = append(ids, s.id)
		}
	}
	for k, s := range after.sources {
		if before.sources[k] == nil {
			ids = append(ids, s.id)
		}
	}
	sort.Strings(ids)
	return ids
}

// restartOnly reports the changes a reload cannot apply.
func restartOnly(old, p *config.Project) []Problem {
	file := filepath.Join(p.Dir, config.ProjectFile)
	var ps []Problem
	add := func(what string) {
		msg := what + " changed: restart the engine to apply it (a reload keeps the running version)"
		ps = append(ps, Problem{File: file, Message: msg, Text: config.Problem{File: file, Message: msg}.String()})
	}
	if old.Name != p.Name {
		add("project")
	}
	if old.DataDir != p.DataDir {
		add("data_dir")
	}
	if old.Transport != p.Transport {
		add("transport")
	}
	if old.Server.Listen != p.Server.Listen {
		add("server.listen")
	}
	if old.Server.PublicURL != p.Server.PublicURL {
		add("server.public_url")
	}
	return ps
}

// problemsOf splits a load error into located problems and other text.
func problemsOf(err error) ([]Problem, string) {
	var cps config.Problems
	if !errors.As(err, &cps) {
		return nil, err.Error()
	}
	ps := make([]Problem, 0, len(cps))
	for _, p := range cps {
		ps = append(ps, Problem{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message, Text: p.String()})
	}
	return ps, ""
}
