package cli_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

func TestPprof_serves_runtime_profiles_on_its_own_listener(t *testing.T) {
	addr := freeAddr(t)
	stop, err := cli.StartPprof(addr, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer stop()
	for path, want := range map[string]string{
		"/debug/pprof/":                  "heap",
		"/debug/pprof/heap?debug=1":      "heap profile",
		"/debug/pprof/goroutine?debug=1": "goroutine profile",
	} {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err, path)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Contains(t, string(body), want, path)
	}
}

func TestPprof_an_address_in_use_is_an_error_naming_the_setting(t *testing.T) {
	addr := freeAddr(t)
	stop, err := cli.StartPprof(addr, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer stop()
	_, err = cli.StartPprof(addr, slog.New(slog.DiscardHandler))
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "server.pprof: "), err.Error())
}
