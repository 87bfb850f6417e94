package config

import (
	"net/mail"
	"sort"
	"strconv"
	"strings"
)

// decodeActivity compiles a pipeline's activity.keys over the source
// message, in name order.
func (l *loader) decodeActivity(f *yamlFile, pl *Pipeline) {
	keys := mappingValue(mappingValue(f.root, "activity"), "keys")
	if keys == nil || f.isBad("/activity") {
		return
	}
	env := l.compiler.env(nil)
	for i := 0; i+1 < len(keys.Content); i += 2 {
		name := keys.Content[i].Value
		if prog := l.compiler.expr(f, keys.Content[i+1], env); prog != nil {
			pl.ActivityKeys = append(pl.ActivityKeys, ActivityKey{Name: name, Expr: prog})
		}
	}
	sort.Slice(pl.ActivityKeys, func(i, j int) bool { return pl.ActivityKeys[i].Name < pl.ActivityKeys[j].Name })
}

// checkAlerts reports alert settings that name pipelines the directory
// does not define, and addresses that are not e-mail addresses.
func (l *loader) checkAlerts(f *yamlFile) {
	a := l.project.Alerts
	for name := range a.DeadLetters.Pipelines {
		if _, ok := l.project.Pipeline(name); !ok {
			l.add(f.at("/alerts/dead_letters/pipelines/"+escapePointer(name), "no pipeline %q in this directory", name))
		}
	}
	if a.Webhook != nil && !strings.HasPrefix(a.Webhook.URL, "https://") && !strings.HasPrefix(a.Webhook.URL, "http://") {
		l.add(f.at("/alerts/webhook/url", "want an http:// or https:// URL"))
	}
	if a.Email == nil {
		return
	}
	if _, err := mail.ParseAddress(a.Email.From); err != nil {
		l.add(f.at("/alerts/email/from", "want an e-mail address: %v", err))
	}
	for i, to := range a.Email.To {
		if _, err := mail.ParseAddress(to); err != nil {
			l.add(f.at("/alerts/email/to/"+strconv.Itoa(i), "want an e-mail address: %v", err))
		}
	}
}
