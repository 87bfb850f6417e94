package policy_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

// observer records what the policy told it.
type observer struct {
	mu       sync.Mutex
	failed   []string // "step class"
	retrying []string // "step class"
}

func (o *observer) Failed(_ *policy.Delivery, f *policy.Failure) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed = append(o.failed, f.Step+" "+string(f.Class))
}

func (o *observer) Retrying(_ context.Context, _ *policy.Delivery, f *policy.Failure) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retrying = append(o.retrying, f.Step+" "+string(f.Class))
}

// logBuffer is a logger whose lines can be read back.
type logBuffer struct{ bytes.Buffer }

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

// lines returns the logged lines.
func (b *logBuffer) lines() []string {
	s := strings.TrimSpace(b.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// delivery is a first delivery of a message with id.
func delivery(id string) *policy.Delivery {
	return &policy.Delivery{Msg: &component.Message{ID: id, Metadata: map[string]string{}}, Seq: 7, Delivered: 1, Attempt: 1}
}

// failing is a handler returning failures with the given errors, at steps
// named s0, s1, ...
func failing(errs ...error) policy.Handler {
	return func(_ context.Context, d *policy.Delivery) error {
		if len(errs) == 0 {
			return nil
		}
		fs := make(policy.Failures, len(errs))
		for i, err := range errs {
			fs[i] = &policy.Failure{Step: "s" + string(rune('0'+i)), Input: d.Msg, Err: err}
		}
		return fs
	}
}

// classified is a handler returning failures of the given classes, at
// steps named s0, s1, ...
func classified(cs ...policy.Class) policy.Handler {
	return func(_ context.Context, d *policy.Delivery) error {
		if len(cs) == 0 {
			return nil
		}
		fs := make(policy.Failures, len(cs))
		for i, c := range cs {
			fs[i] = &policy.Failure{Step: "s" + string(rune('0'+i)), Input: d.Msg, Err: errors.New(string(c)), Class: c}
		}
		return fs
	}
}

// classes lists the classes of the failures err holds.
func classes(err error) []policy.Class {
	var out []policy.Class
	for _, f := range policy.FailuresOf(err) {
		out = append(out, f.Class)
	}
	return out
}
