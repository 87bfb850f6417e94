package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// From another address than loopback, the console and the API need the
// admin token: a request without it is refused, a browser logs in with it
// once and then works with its session.
func TestBrowser_logs_in_with_the_token_from_another_address(t *testing.T) {
	ip := outsideIP()
	if ip == "" {
		t.Skip("this machine has no address other than loopback to reach the engine from")
	}
	b := newBrowser(t)
	s := newShop(t, map[string]string{"TOKEN": "t0ken-for-the-browser-test"}, order("113-1", "B", "Ann Lee"))
	s.listen = freeAddr(t, ip)
	s.start()
	s.openRecords(1)
	base := "http://" + s.engine.Addr()
	require.True(t, strings.HasPrefix(base, "http://"+ip+":"), "the engine listens on %s", ip)

	// Without the token: refused.
	for path, want := range map[string]int{"/api/dlq": http.StatusUnauthorized, "/console/": http.StatusSeeOther, "/console/flows/orders": http.StatusSeeOther} {
		code, _ := fetch(t, base+path)
		assert.Equal(t, want, code, path)
	}
	resp, err := client.PostForm(base+"/console/login", map[string][]string{"token": {"wrong"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a wrong token")

	// With it, as a bearer token: the API answers.
	req, _ := http.NewRequest(http.MethodGet, base+"/api/dlq", nil)
	req.Header.Set("Authorization", "Bearer t0ken-for-the-browser-test")
	resp, err = client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// In the browser: sent to the login form, refused a wrong token, then in.
	b.open(base + "/console/flows/orders")
	assert.Contains(t, b.location(), "/console/login")
	b.do(chromedp.SetValue(chromedp.CSS("#token"), "not-the-token"))
	b.click("#login")
	b.waitText(".error", "That is not the admin token")
	b.shot("login-refused")
	b.do(chromedp.SetValue(chromedp.CSS("#token"), "t0ken-for-the-browser-test"))
	b.click("#login")
	b.waitText("section.group .count", "1")
	assert.Equal(t, base+"/console/flows/orders", b.location(), "back where the operator was going")
	b.shot("logged-in-from-another-address")

	// The session acts: resolve with a note.
	b.open(base + "/console/dead-letters/" + seqOf(t, s, "113-1"))
	b.do(chromedp.SetValue(chromedp.CSS("#note-input"), "order cancelled by the buyer"))
	b.click("#resolve")
	b.waitText("#resolution", "order cancelled by the buyer")
	s.openRecords(0)
}
