package service

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// redactedText replaces a secret.
const redactedText = "[redacted]"

// redactor removes secret values from text bound for logs, errors, the
// status page and dead letters. The secrets are what the configuration
// declares secret (config.Project.Secrets): options annotated x-secret,
// ${file:...} values and the variables the project file lists under
// secrets; ordinary values, interpolated or not, stay readable. A reload
// adds the secrets of the new configuration; none is ever dropped, since
// logs and records may still carry an old one.
type redactor struct {
	mu      sync.Mutex
	secrets map[string]bool
	r       atomic.Pointer[strings.Replacer] // nil without secrets
}

// newRedactor replaces the given values.
func newRedactor(secrets []string) *redactor {
	r := &redactor{secrets: map[string]bool{}}
	r.add(secrets)
	return r
}

// add makes secrets redacted too.
func (r *redactor) add(secrets []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if s != "" { // an empty old string would match everywhere
			r.secrets[s] = true
		}
	}
	if len(r.secrets) == 0 {
		return
	}
	vals := make([]string, 0, len(r.secrets))
	for s := range r.secrets {
		vals = append(vals, s)
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(vals, func(i, j int) bool {
		if len(vals[i]) != len(vals[j]) {
			return len(vals[i]) > len(vals[j])
		}
		return vals[i] < vals[j]
	})
	pairs := make([]string, 0, 2*len(vals))
	for _, s := range vals {
		pairs = append(pairs, s, redactedText)
	}
	r.r.Store(strings.NewReplacer(pairs...))
}

func (r *redactor) redact(s string) string {
	if rep := r.r.Load(); rep != nil {
		return rep.Replace(s)
	}
	return s
}

// err returns an error whose text is redacted (nil stays nil).
func (r *redactor) err(err error) error {
	if err == nil {
		return nil
	}
	red := r.redact(err.Error())
	if red == err.Error() {
		return err
	}
	return errors.New(red)
}
