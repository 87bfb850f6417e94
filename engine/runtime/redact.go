package runtime

import (
	"errors"
	"sort"
	"strings"
)

// redactor removes secret values (everything the configuration took from
// ${env:...} or ${file:...}) from text bound for logs and dead letters.
type redactor struct {
	r *strings.Replacer
}

// minSecretLen skips short values (ports, flags, company ids) that are not
// secrets and would garble text.
const minSecretLen = 6

func newRedactor(secrets []string) *redactor {
	var vals []string
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			vals = append(vals, s)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	var pairs []string
	for _, v := range vals {
		pairs = append(pairs, v, "[redacted]")
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

func (r *redactor) redact(s string) string { return r.r.Replace(s) }

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
