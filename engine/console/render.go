package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pageNames are the templates under templates/, each rendered inside
// layout.html.
var pageNames = []string{"overview", "flow", "deadletter", "bulk", "job", "find", "listings", "login", "error"}

// pages parses the templates when the console first renders a page (an
// engine whose console nobody opens does not pay for them), once for every
// console of the process: parsed templates are safe for concurrent use.
var pages = sync.OnceValues(parsePages)

func parsePages() (map[string]*template.Template, error) {
	byName := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		byName[name] = t
	}
	return byName, nil
}

// view is what every page gets: the layout's parts and the page's data.
type view struct {
	Title   string
	Project string
	Version string
	Nav     string
	CSRF    string
	// Session: logged in with the token (the layout offers to log out).
	Session bool
	Now     time.Time
	// Refresh reloads the page every so many seconds (0: never).
	Refresh int
	Data    any
}

// render writes page name with data; title and nav come from data's
// Title and Nav when it is a titled.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, info reqInfo, data any) {
	v := view{Project: c.e.Project().Name, Version: c.e.ConfigState().Version, CSRF: info.csrf, Session: info.session != "",
		Now: c.e.Clock().Now(), Data: data, Title: name, Nav: name}
	if t, ok := data.(titled); ok {
		v.Title, v.Nav = t.title()
	}
	if name == "overview" || name == "flow" || name == "listings" {
		v.Refresh = 15
	}
	byName, err := pages()
	var buf bytes.Buffer
	if err == nil {
		err = byName[name].Execute(&buf, v)
	}
	if err != nil {
		http.Error(w, "console: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// titled data names its page's title and navigation entry.
type titled interface{ title() (title, nav string) }

// fail shows an error page (JSON for scripts).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	c.render(w, r, status, "error", reqInfo{}, map[string]any{"Status": status, "Message": msg})
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var funcs = template.FuncMap{
	"when":   when,
	"ago":    ago,
	"pretty": pretty,
	"short":  short,
	"pct": func(part, whole int) int {
		if whole == 0 {
			return 0
		}
		return part * 100 / whole
	},
	"num": func(f float64) string { return fmt.Sprintf("%.0f", f) },
}

// when formats a time for people, in UTC.
func when(t any) string {
	switch x := t.(type) {
	case time.Time:
		if x.IsZero() {
			return "—"
		}
		return x.UTC().Format("2006-01-02 15:04:05") + " UTC"
	case *time.Time:
		if x == nil {
			return "—"
		}
		return when(*x)
	}
	return ""
}

// ago says how long before now t was: "3m ago".
func ago(now time.Time, t any) string {
	var at time.Time
	switch x := t.(type) {
	case time.Time:
		at = x
	case *time.Time:
		if x != nil {
			at = *x
		}
	}
	if at.IsZero() {
		return "never"
	}
	d := now.Sub(at)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %dm ago", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

// pretty indents a JSON document; other text is shown as it is.
func pretty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return string(raw)
	}
	return buf.String()
}

// short cuts a text to n runes.
func short(n int, s string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
