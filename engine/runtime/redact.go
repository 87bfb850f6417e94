package runtime

import (
	"errors"
	"slices"
	"sort"
	"strings"
)

// redactedText replaces a secret.
const redactedText = "[redacted]"

// redactor removes secret values from text bound for logs, errors, the
// status page and dead letters. The secrets are what the configuration
// declares secret (config.Project.Secrets): options annotated x-secret,
// ${file:...} values and the variables the project file lists under
// secrets; ordinary values, interpolated or not, stay readable.
type redactor struct {
	r *strings.Replacer // nil without secrets
}

// newRedactor replaces the given values.
func newRedactor(secrets []string) *redactor {
	vals := slices.Clone(secrets)
	// Longest first, so a secret containing another is replaced whole.
	sort.SliceStable(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	var pairs []string
	for _, s := range vals {
		if s != "" { // an empty old string would match everywhere
			pairs = append(pairs, s, redactedText)
		}
	}
	if len(pairs) == 0 {
		return &redactor{}
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

func (r *redactor) redact(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
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
