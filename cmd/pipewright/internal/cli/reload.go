package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

func init() {
	register(&command{
		name:    "reload",
		summary: "make a running engine reload its pipeline directory",
		usage:   "DIR",
		help: `
Reload asks the engine running DIR to read the directory again and swap in
what changed between messages: POST /api/reload. The engine is found at
-server, else at the address it recorded in its data directory's lock (see
-data), else at the directory's server.listen. It prints the outcome:

  applied     the new version runs; the components it restarted are listed
  unchanged   the directory is the version that runs
  refused     the directory is invalid, or a change needs a restart; every
              problem is printed as file:line:col: message and the running
              version stays (exit status 1)

The engine also reloads by itself when files change (run -watch) and on
SIGHUP. With server.admin_token set, the token is sent (override with
-token).

Examples:
  pipewright reload pipelines/sage500-amazon
  pipewright reload -server 10.0.0.5:8080 pipelines/acme`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			server := fs.String("server", "", "engine address or URL (default: server.listen of the project)")
			token := fs.String("token", "", "admin token (default: server.admin_token of the project)")
			asJSON := fs.Bool("json", false, "print the engine's answer as JSON")
			wait := fs.Duration("wait", 2*time.Minute, "how long to wait for the engine (a reload waits for the messages in flight)")
			data := fs.String("data", "", "data directory, whose lock holds a running engine's address (default: data_dir)")
			return func(args []string) error {
				if len(args) != 1 {
					return usagef("want one directory")
				}
				base, tok := *server, *token
				if base == "" || tok == "" {
					p, err := e.loadProject(args[0])
					if err != nil {
						if base == "" {
							printLoadError(e, err)
							return fmt.Errorf("cannot find the engine of a directory that does not load here; give -server")
						}
					} else {
						tok = cmp.Or(tok, p.Server.AdminToken)
						base = cmp.Or(base, findEngine(p, *data))
					}
				}
				if !strings.Contains(base, "://") {
					base = "http://" + base
				}
				res, err := requestReload(base, tok, *wait)
				if err != nil {
					return err
				}
				if *asJSON {
					enc := json.NewEncoder(e.stdout)
					enc.SetIndent("", "  ")
					_ = enc.Encode(res)
				} else {
					printReload(e, res)
				}
				if res.Status == service.ReloadRefused {
					return errReported
				}
				return nil
			}
		},
	})
}

// findEngine returns the address of the engine running p: the one it
// recorded in the lock of its data directory (the engine's own word; the
// CLI's environment may not give its listen address), else server.listen.
func findEngine(p *config.Project, dataFlag string) string {
	addr := cmp.Or(p.Server.Listen, "127.0.0.1:8080")
	if p.Transport.URL != "" {
		return addr // engines on an external transport hold no data directory lock
	}
	dir, err := filepath.Abs(cmp.Or(dataFlag, p.DataDir, "data"))
	if err != nil {
		return addr
	}
	if h := service.DataDirHolder(dir); h != nil && h.Role == "engine" && h.HTTP != "" {
		return h.HTTP
	}
	return addr
}

func requestReload(base, token string, wait time.Duration) (*service.ReloadResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/api/reload", nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no engine answers at %s: %w", base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the engine's answer: %w", err)
	}
	var res service.ReloadResult
	if err := json.Unmarshal(data, &res); err != nil || res.Status == "" {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("engine at %s: %s", base, e.Error)
		}
		return nil, fmt.Errorf("engine at %s answered %s", base, resp.Status)
	}
	return &res, nil
}

func printReload(e *env, res *service.ReloadResult) {
	switch res.Status {
	case service.ReloadApplied:
		fmt.Fprintf(e.stdout, "applied: version %s (was %s)\n", res.Version, res.Previous)
		if len(res.Restarted) > 0 {
			fmt.Fprintf(e.stdout, "restarted: %s\n", strings.Join(res.Restarted, ", "))
		}
	case service.ReloadUnchanged:
		fmt.Fprintf(e.stdout, "unchanged: version %s runs\n", res.Version)
	default:
		for _, p := range res.Problems {
			fmt.Fprintln(e.stderr, p.Text)
		}
		if res.Error != "" {
			fmt.Fprintln(e.stderr, res.Error)
		}
		fmt.Fprintf(e.stderr, "refused: version %s keeps running\n", res.Version)
	}
}
