package config

import (
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// redactedText replaces a secret that no reference produced.
const redactedText = "[redacted]"

// declaredSecrets records the secrets the schema at url declares in n. It
// runs after validate, which reports a schema that does not compile (and
// the compiler does not fail the same schema twice).
func (l *loader) declaredSecrets(n *yaml.Node, url string) {
	if sch, err := l.schemas.get(url); err == nil {
		l.secrets.collectDeclared(sch, n)
	}
}

// referencedSecrets records the values of every ${file:...} and of every
// ${env:NAME} whose NAME the project file lists under secrets, and reports
// listed names that no reference uses (a misspelt name would leave the
// secret unprotected).
func (l *loader) referencedSecrets() {
	var pf *yamlFile
	for _, f := range l.files {
		if f.path == filepath.Join(l.dir, ProjectFile) {
			pf = f
		}
	}
	if pf == nil || pf.isBad("/secrets") {
		return
	}
	listed := map[string]bool{}
	var names []*yaml.Node
	if n := mappingValue(pf.root, "secrets"); n != nil {
		names = n.Content
	}
	for _, n := range names {
		listed[n.Value] = true
	}
	l.secretNames = listed
	used := map[string]bool{}
	for _, f := range l.files {
		for _, r := range f.refs {
			if r.kind == "file" || listed[r.name] {
				l.secrets.add(r.value)
			}
			if r.kind == "env" {
				used[r.name] = true
			}
		}
	}
	for _, n := range names {
		if !used[n.Value] {
			l.add(pf.atNode(n, "secret %s is not used: no ${env:%s} in the directory", n.Value, n.Value))
		}
	}
}

// withoutSecretDefaults writes the references to secret variables in text
// (a scalar as written) without their defaults: a default may be the secret.
func (l *loader) withoutSecretDefaults(text string) string {
	return refPattern.ReplaceAllStringFunc(text, func(ref string) string {
		if m := refPattern.FindStringSubmatch(ref); m[1] == "env" && l.secretNames[m[2]] {
			return "${env:" + m[2] + "}"
		}
		return ref
	})
}

// redactProblems replaces the secrets in problem messages: a value that a
// reference produced is shown as that reference (${env:NAME} or
// ${file:path}), a literal secret as [redacted]. Other values, interpolated
// or not, stay readable.
func (l *loader) redactProblems() {
	if len(l.secrets) == 0 {
		return
	}
	shown := map[string]string{}
	for _, f := range l.files {
		for _, r := range f.refs {
			text := r.text
			if r.kind == "env" {
				text = "${env:" + r.name + "}" // never the default: it may be the secret
			}
			if r.value != "" && !strings.Contains(text, r.value) {
				shown[r.value] = text
			}
		}
	}
	var pairs []string
	for _, v := range l.secrets.sorted() {
		text, ok := shown[v]
		if !ok {
			text = redactedText
		}
		pairs = append(pairs, v, text)
	}
	r := strings.NewReplacer(pairs...)
	for i := range l.problems {
		l.problems[i].Message = r.Replace(l.problems[i].Message)
	}
}
