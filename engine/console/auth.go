package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/internal/access"
)

// cookieName is the console's session cookie.
const cookieName = "pw_console"

// Login attempts: a client that fails this often within loginWindow waits.
const (
	maxLoginFailures = 10
	loginWindow      = time.Minute
)

// sessions are the logged-in browsers, in memory (they end with the
// engine), and the key that binds form tokens to them.
type sessions struct {
	ttl time.Duration
	key []byte

	mu       sync.Mutex
	byID     map[string]time.Time // expiry
	failures map[string][]time.Time
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, key: randomBytes(32), byID: map[string]time.Time{}, failures: map[string][]time.Time{}}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return b
}

func (s *sessions) start() string {
	id := hex.EncodeToString(randomBytes(32))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, exp := range s.byID {
		if now.After(exp) {
			delete(s.byID, k)
		}
	}
	s.byID[id] = now.Add(s.ttl)
	return id
}

// valid returns the request's session id, "" without a live one.
func (s *sessions) valid(r *http.Request) string {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.byID[ck.Value]; ok && time.Now().Before(exp) {
		return ck.Value
	}
	return ""
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

// csrf is the form token of a session ("" stands for a trusted loopback
// client without one): an HMAC, so only pages this engine served know it.
func (s *sessions) csrf(session string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("csrf:" + session))
	return hex.EncodeToString(m.Sum(nil))
}

// throttled reports whether the client failed to log in too often lately.
func (s *sessions) throttled(client string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	recent := s.failures[client][:0]
	for _, t := range s.failures[client] {
		if time.Since(t) < loginWindow {
			recent = append(recent, t)
		}
	}
	s.failures[client] = recent
	return len(recent) >= maxLoginFailures
}

func (s *sessions) failed(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[client] = append(s.failures[client], time.Now())
}

func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reqKey carries the request's session into the handlers.
type reqInfo struct {
	session string
	csrf    string
}

// guard lets a request through when the engine's policy allows it: a
// trusted loopback client, a bearer token or a live session. Browsers are
// sent to the login form. State-changing requests must come from the
// console's own pages: same site, with the session's form token.
func (c *Console) guard(h func(http.ResponseWriter, *http.Request, reqInfo)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session := c.sessions.valid(r)
		switch c.e.AccessPolicy().Check(r, session != "") {
		case access.NoToken:
			c.fail(w, r, http.StatusForbidden, "The console answers other hosts only when the engine has an admin token: set server.admin_token in pipewright.yaml.")
			return
		case access.NeedToken:
			if access.Safe(r.Method) {
				http.Redirect(w, r, Prefix+"login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.fail(w, r, http.StatusUnauthorized, "Log in with the admin token first.")
			return
		}
		info := reqInfo{session: session, csrf: c.sessions.csrf(session)}
		if !access.Safe(r.Method) {
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = r.PostFormValue("csrf")
			}
			if access.CrossSite(r) || !hmac.Equal([]byte(got), []byte(info.csrf)) {
				c.fail(w, r, http.StatusForbidden, "This request did not come from a console page (missing or stale form token). Reload the page and try again.")
				return
			}
		}
		h(w, r, info)
	})
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login", reqInfo{}, map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// login checks the admin token and starts a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	policy := c.e.AccessPolicy()
	client := clientHost(r)
	switch {
	case access.CrossSite(r):
		c.fail(w, r, http.StatusForbidden, "Log in from the console's own page.")
		return
	case policy.Token == "":
		c.fail(w, r, http.StatusForbidden, "This engine has no admin token: set server.admin_token in pipewright.yaml.")
		return
	case c.sessions.throttled(client):
		c.render(w, r, http.StatusTooManyRequests, "login", reqInfo{}, map[string]any{"Next": next, "Error": "Too many failed attempts: wait a minute."})
		return
	case !policy.Matches(r.PostFormValue("token")):
		c.sessions.failed(client)
		c.render(w, r, http.StatusUnauthorized, "login", reqInfo{}, map[string]any{"Next": next, "Error": "That is not the admin token."})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: c.sessions.start(), Path: Prefix, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(c.sessions.ttl.Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, info reqInfo) {
	if info.session != "" {
		c.sessions.end(info.session)
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, Prefix+"login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return Prefix
	}
	return next
}
