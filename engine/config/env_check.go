package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pipewright/pipewright/engine/expr"
)

// envBlock is an env mapping of a test file or case, which replaces
// project env values during tests.
type envBlock struct {
	f   *yamlFile
	ptr string
}

// checkEnv checks the env values expressions read: each must be defined in
// the project file, and each value (the project's, and those test files
// set) must survive every conversion a use puts it through, such as
// int(env.SAFETY_STOCK). A problem names the value and every use it fails.
func (l *loader) checkEnv() {
	if l.project == nil {
		return
	}
	pf := l.files[0] // the project file is parsed first
	names := make([]string, 0, len(l.project.Env))
	for n := range l.project.Env {
		names = append(names, n)
	}
	sort.Strings(names)
	uses := map[string][]envUseAt{}
	for _, u := range l.compiler.envUses {
		uses[u.Name] = append(uses[u.Name], u)
		if _, ok := l.project.Env[u.Name]; !ok && !pf.isBad("/env") {
			p := u.where
			p.Message = fmt.Sprintf("env value %q is not defined in %s%s", u.Name, ProjectFile, suggestion(u.Name, names))
			l.add(p)
		}
	}
	for _, name := range names {
		l.checkEnvValue(pf, "/env/"+escapePointer(name), l.project.Env[name], uses[name])
	}
	for _, b := range l.testEnvs {
		n := b.f.nodes[b.ptr]
		for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
			name := n.Content[i].Value
			ptr := b.ptr + "/" + escapePointer(name)
			if _, ok := l.project.Env[name]; !ok {
				l.add(b.f.atKey(ptr, "env value %q is not defined in %s%s", name, ProjectFile, suggestion(name, names)))
				continue
			}
			l.checkEnvValue(b.f, ptr, n.Content[i+1].Value, uses[name])
		}
	}
}

// checkEnvValue reports the uses that the value at ptr of f cannot serve.
func (l *loader) checkEnvValue(f *yamlFile, ptr, value string, uses []envUseAt) {
	var failed []string
	seen := map[string]bool{}
	for _, u := range uses {
		err := expr.CheckConversion(u.Conversion, value)
		if err == nil {
			continue
		}
		where := fmt.Sprintf("%s at %s:%d:%d", u.EnvUse, relPath(u.where.File), u.where.Line, u.where.Column)
		if !seen[where] {
			seen[where] = true
			failed = append(failed, fmt.Sprintf("%s (%v)", where, err))
		}
	}
	if len(failed) > 0 {
		name := unescapePointer(ptr[strings.LastIndex(ptr, "/")+1:])
		l.add(f.at(ptr, "env value %s = %q cannot serve every place it is used: %s", name, value, strings.Join(failed, "; ")))
	}
}

// suggestion is " (did you mean X?)" or the list of names, for messages.
func suggestion(name string, names []string) string {
	if near := expr.Closest(name, names); near != "" {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	if len(names) == 0 {
		return " (it defines no env values)"
	}
	return " (defined: " + strings.Join(names, ", ") + ")"
}
