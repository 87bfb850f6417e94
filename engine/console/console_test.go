package console_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/service"
)

func fetch(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := client.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func TestConsole_pages_escape_what_they_show_and_mask_personal_data_when_asked(t *testing.T) {
	s := newShop(t, nil, order("113-1", "<script>alert(1)</script>", "Jane <b>Doe</b>"))
	s.start()
	rec := s.openRecords(1)[0]

	code, page := fetch(t, s.url("/console/dead-letters/"+itoa(rec.Seq)))
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, page, "<script>alert(1)</script>", "the SKU is shown escaped")
	assert.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, page, "Jane \\u003cb\\u003eDoe\\u003c/b\\u003e", "the buyer is shown (escaped) to an operator who wants it")

	_, masked := fetch(t, s.url("/console/dead-letters/"+itoa(rec.Seq)+"?mask=1"))
	assert.NotContains(t, masked, "Jane")
	assert.Contains(t, masked, "[masked]")
	assert.NotContains(t, masked, `id="body"`, "masked data cannot be edited and sent back")

	code, page = fetch(t, s.url("/console/flows/orders"))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "unknown SKU &lt;{}&gt; in order {}: add it to tables/skus.csv", "the reason group")
	assert.NotContains(t, page, "<script>alert(1)")
}

func TestConsole_refuses_state_changes_without_the_form_token_or_from_another_site(t *testing.T) {
	s := newShop(t, nil, order("113-1", "B", "Jane"))
	s.start()
	rec := s.openRecords(1)[0]
	_, page := fetch(t, s.url("/console/dead-letters/"+itoa(rec.Seq)))
	m := csrfField.FindStringSubmatch(page)
	require.NotNil(t, m, "the page carries a form token")
	resolve := s.url("/console/dead-letters/" + itoa(rec.Seq) + "/resolve")

	post := func(form url.Values, origin string) int {
		req, err := http.NewRequest(http.MethodPost, resolve, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusForbidden, post(url.Values{"note": {"x"}}, ""), "no form token")
	assert.Equal(t, http.StatusForbidden, post(url.Values{"note": {"x"}, "csrf": {"00ff"}}, ""), "a wrong form token")
	assert.Equal(t, http.StatusForbidden, post(url.Values{"note": {"x"}, "csrf": {m[1]}}, "http://evil.example"), "another site")
	got, err := s.engine.Admin().Get(t.Context(), rec.Seq)
	require.NoError(t, err)
	assert.True(t, got.Open(), "nothing was resolved")

	assert.Equal(t, http.StatusSeeOther, post(url.Values{"note": {"refunded"}, "csrf": {m[1]}}, "http://"+s.engine.Addr()))
	got, err = s.engine.Admin().Get(t.Context(), rec.Seq)
	require.NoError(t, err)
	assert.Equal(t, "refunded", got.Resolution.Note)
}

func TestConsole_refuses_an_edited_body_that_is_not_json_or_holds_masked_data(t *testing.T) {
	s := newShop(t, nil, order("113-1", "B", "Jane"))
	s.start()
	rec := s.openRecords(1)[0]
	_, page := fetch(t, s.url("/console/dead-letters/"+itoa(rec.Seq)))
	token := csrfField.FindStringSubmatch(page)[1]
	for name, body := range map[string]string{
		"not JSON":    `{"id": "113-1", `,
		"masked data": `{"id":"113-1","order":"113-1","sku":"A","item":"ITEM-A","buyer":"[masked]"}`,
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := client.PostForm(s.url("/console/dead-letters/"+itoa(rec.Seq)+"/replay"), url.Values{"csrf": {token}, "mode": {"edit"}, "body": {body}})
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, string(b), "nothing was sent")
		})
	}
	got, err := s.engine.Admin().Get(t.Context(), rec.Seq)
	require.NoError(t, err)
	assert.Nil(t, got.Replay, "no replay was sent")
}

func TestConsole_needs_the_token_from_loopback_when_loopback_is_not_trusted(t *testing.T) {
	s := newShop(t, map[string]string{"TOKEN": "s3cret-token", "TRUST_LOOPBACK": "false"})
	s.start()
	code, _ := fetch(t, s.url("/console/"))
	assert.Equal(t, http.StatusSeeOther, code, "sent to the login form")
	code, _ = fetch(t, s.url("/api/dlq"))
	assert.Equal(t, http.StatusUnauthorized, code, "the API too")

	code, _ = fetch(t, s.url("/"))
	assert.Equal(t, http.StatusFound, code, "/ leads to the console")
}

func TestConsole_overview_shows_the_running_version_and_a_refused_reload_with_its_problems(t *testing.T) {
	s := newShop(t, nil)
	s.start()
	version := s.engine.ConfigState().Version
	require.NotEmpty(t, version)
	_, page := fetch(t, s.url("/console/"))
	assert.Contains(t, page, version)
	assert.NotContains(t, page, "Reload refused")

	path := filepath.Join(s.dir, "orders.yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), "msg.item != \"\"", "msg.itme != <>", 1)), 0o644))
	res := s.engine.Reload(t.Context(), "test")
	require.Equal(t, service.ReloadRefused, res.Status)

	_, page = fetch(t, s.url("/console/"))
	assert.Contains(t, page, "Reload refused")
	assert.Contains(t, page, version, "the running version keeps running")
	assert.Regexp(t, `orders\.yaml:\d+:\d+: `, page, "the problem, located")
}

func TestConsole_overview_shows_which_engine_polls_each_flow_s_source(t *testing.T) {
	s := newShop(t, nil, order("113-1", "B", "Jane"))
	s.start()
	s.openRecords(1)
	code, page := fetch(t, s.url("/console/"))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `id="instance">engine <b>`+s.engine.Instance()+`</b>`)
	owner := regexp.MustCompile(`(?s)<td class="owner" data-flow="orders">(.*?)</td>`).FindStringSubmatch(page)
	require.NotNil(t, owner, "an owner cell for the orders flow")
	assert.Contains(t, owner[1], "this engine")
	assert.Contains(t, owner[1], s.engine.Instance())
}
