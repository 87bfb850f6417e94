package console

import (
	"context"
	"embed"
	"io/fs"
	"net/http"

	"github.com/pipewright/pipewright/engine/service"
)

// Prefix is where the console is served.
const Prefix = "/console/"

//go:embed templates/*.html static/*
var assets embed.FS

// Console is the operator console of one engine; it is a service.Addon.
type Console struct {
	e        *service.Engine
	sessions *sessions
}

var _ service.Addon = (*Console)(nil)

// New returns a console to pass to the engine in service.Options.Addons.
func New() *Console { return &Console{} }

// Start registers the console's routes and makes / lead to it, unless the
// project turns the console off.
func (c *Console) Start(_ context.Context, e *service.Engine) error {
	opts := e.Project().Server.Console
	if !opts.On() {
		return nil
	}
	c.e, c.sessions = e, newSessions(opts.SessionTTL())
	static, _ := fs.Sub(assets, "static")
	routes := map[string]http.Handler{
		"GET " + Prefix + "static/":                     http.StripPrefix(Prefix+"static/", staticFiles(static)),
		"GET " + Prefix + "login":                       http.HandlerFunc(c.loginForm),
		"POST " + Prefix + "login":                      http.HandlerFunc(c.login),
		"POST " + Prefix + "logout":                     c.guard(c.logout),
		"GET " + Prefix + "{$}":                         c.guard(c.overview),
		"GET " + Prefix + "flows/{name}":                c.guard(c.flow),
		"GET " + Prefix + "dead-letters/{seq}":          c.guard(c.deadLetter),
		"POST " + Prefix + "dead-letters/{seq}/replay":  c.guard(c.replay),
		"POST " + Prefix + "dead-letters/{seq}/resolve": c.guard(c.resolve),
		"POST " + Prefix + "dead-letters/{seq}/review":  c.guard(c.review),
		"GET " + Prefix + "bulk":                        c.guard(c.bulkForm),
		"POST " + Prefix + "bulk":                       c.guard(c.bulkStart),
		"GET " + Prefix + "jobs/{id}":                   c.guard(c.job),
		"GET " + Prefix + "jobs/{id}/progress":          c.guard(c.jobProgress),
		"GET " + Prefix + "find":                        c.guard(c.find),
		"GET " + Prefix + "listings":                    c.guard(c.listings),
	}
	for pattern, h := range routes {
		if err := e.Handle(pattern, securityHeaders(h)); err != nil {
			return err
		}
	}
	e.SetHome(Prefix)
	return nil
}

// Stop ends nothing: the console's requests end with the HTTP server.
func (c *Console) Stop(context.Context) error { return nil }

// staticFiles serves the embedded styles and scripts, cached briefly.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=300")
		files.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages from being framed or running foreign code.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
