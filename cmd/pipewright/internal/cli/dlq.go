package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/runtime"
)

func init() {
	register(&command{
		name:    "dlq",
		summary: "list, show, replay or drop dead letters",
		usage:   "list|show|replay|drop DIR [SEQ]",
		help: `
Dlq reviews the dead-letter stream of a pipeline directory. It talks to the
running engine's API (server.listen, or --server) and, when no engine
answers, opens the stopped engine's data directory directly.

  list DIR            records, oldest first (filter with -pipeline, -step,
                      -error, -since, -until; -json for the full records)
  show DIR SEQ        one record as JSON: error, attempts, timestamps, the
                      original message, the step input, metadata, lookups
  replay DIR SEQ      send the record back into its pipeline at the step that
                      failed (-body FILE replaces the step input with an edited
                      one) and report the outcome
  drop DIR SEQ        delete the record

Examples:
  pipewright dlq list -pipeline orders pipelines/sage500-amazon
  pipewright dlq show pipelines/sage500-amazon 42
  pipewright dlq replay -body fixed.json pipelines/sage500-amazon 42
  pipewright dlq drop pipelines/sage500-amazon 42`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			o := &dlqOpts{}
			fs.StringVar(&o.pipeline, "pipeline", "", "list: only this pipeline")
			fs.StringVar(&o.step, "step", "", "list: only this step")
			fs.StringVar(&o.errText, "error", "", "list: only errors containing this text")
			fs.StringVar(&o.since, "since", "", "list: failed at or after this RFC 3339 time")
			fs.StringVar(&o.until, "until", "", "list: failed at or before this RFC 3339 time")
			fs.BoolVar(&o.json, "json", false, "list: print full records as JSON")
			fs.StringVar(&o.body, "body", "", "replay: file holding the edited step input (JSON)")
			fs.DurationVar(&o.wait, "wait", 10*time.Second, "replay: how long to wait for the outcome")
			fs.StringVar(&o.server, "server", "", "engine address (default: server.listen of the project)")
			fs.StringVar(&o.data, "data", "", "data directory of a stopped engine (default: data_dir)")
			return func(args []string) error { return runDLQ(e, o, args) }
		},
	})
}

type dlqOpts struct {
	pipeline, step, errText, since, until, body, server, data string
	json                                                      bool
	wait                                                      time.Duration
}

func runDLQ(e *env, o *dlqOpts, args []string) error {
	if len(args) < 2 {
		return usagef("want an operation and a directory")
	}
	op, dir := args[0], args[1]
	var seq uint64
	switch op {
	case "list":
		if len(args) != 2 {
			return usagef("list takes no sequence number")
		}
	case "show", "replay", "drop":
		if len(args) != 3 {
			return usagef("%s needs a sequence number", op)
		}
		var err error
		if seq, err = strconv.ParseUint(args[2], 10, 64); err != nil {
			return usagef("bad sequence number %q", args[2])
		}
	default:
		return usagef("unknown operation %q", op)
	}
	p, err := loadProject(dir)
	if err != nil {
		printLoadError(e, err)
		return errReported
	}
	ctx := context.Background()
	backend, err := openDLQBackend(ctx, p, o)
	if err != nil {
		return err
	}
	defer backend.close()
	switch op {
	case "list":
		return dlqList(ctx, e, backend, o)
	case "show":
		rec, err := backend.get(ctx, seq)
		if err != nil {
			return err
		}
		return printJSON(e.stdout, rec)
	case "drop":
		if err := backend.drop(ctx, seq); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "dropped %d\n", seq)
		return nil
	}
	var body json.RawMessage
	if o.body != "" {
		if body, err = os.ReadFile(o.body); err != nil {
			return err
		}
		if !json.Valid(body) {
			return fmt.Errorf("%s is not valid JSON", o.body)
		}
	}
	out, err := backend.replay(ctx, seq, body, o.wait)
	if err != nil {
		return err
	}
	if err := printJSON(e.stdout, out); err != nil {
		return err
	}
	if out.Status == "failed" {
		return errReported
	}
	return nil
}

func dlqList(ctx context.Context, e *env, b dlqBackend, o *dlqOpts) error {
	q := url.Values{}
	for k, v := range map[string]string{"pipeline": o.pipeline, "step": o.step, "error": o.errText, "since": o.since, "until": o.until} {
		if v != "" {
			q.Set(k, v)
		}
	}
	f, err := runtime.FilterFromQuery(q)
	if err != nil {
		return usagef("%v", err)
	}
	recs, err := b.list(ctx, f, q)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(e.stdout, recs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tFAILED AT\tPIPELINE\tSTEP\tATTEMPTS\tERROR")
	for _, r := range recs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", r.Seq, r.FailedAt.Format(time.RFC3339), r.Pipeline, r.Step, r.Attempts, oneLine(r.Error, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d dead letter(s)\n", len(recs))
	return nil
}

// oneLine puts s on one line and cuts it to n characters, the last three
// then being "...".
func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-3]) + "..."
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// dlqBackend is the engine's API or the data directory.
type dlqBackend interface {
	list(ctx context.Context, f runtime.DeadLetterFilter, q url.Values) ([]*runtime.DeadLetter, error)
	get(ctx context.Context, seq uint64) (*runtime.DeadLetter, error)
	drop(ctx context.Context, seq uint64) error
	replay(ctx context.Context, seq uint64, body json.RawMessage, wait time.Duration) (*runtime.ReplayOutcome, error)
	close()
}

// openDLQBackend prefers a running engine; without one it opens the data
// directory (which fails if another process holds it).
func openDLQBackend(ctx context.Context, p *config.Project, o *dlqOpts) (dlqBackend, error) {
	addr := cmp.Or(o.server, p.Server.Listen, "127.0.0.1:8080")
	api := &apiBackend{base: "http://" + addr, token: p.Server.AdminToken, client: &http.Client{Timeout: o.wait + 10*time.Second}}
	if api.alive() {
		return api, nil
	}
	a, err := runtime.OpenAdmin(ctx, p, o.data, "")
	if err != nil {
		return nil, fmt.Errorf("no engine answers at %s and the data directory cannot be opened: %w", addr, err)
	}
	return adminBackend{a}, nil
}

type adminBackend struct{ a *runtime.Admin }

func (b adminBackend) list(ctx context.Context, f runtime.DeadLetterFilter, _ url.Values) ([]*runtime.DeadLetter, error) {
	return b.a.List(ctx, f)
}
func (b adminBackend) get(ctx context.Context, seq uint64) (*runtime.DeadLetter, error) {
	return b.a.Get(ctx, seq)
}
func (b adminBackend) drop(ctx context.Context, seq uint64) error { return b.a.Drop(ctx, seq) }
func (b adminBackend) replay(ctx context.Context, seq uint64, body json.RawMessage, _ time.Duration) (*runtime.ReplayOutcome, error) {
	id, err := b.a.Replay(ctx, seq, body)
	if err != nil {
		return nil, err
	}
	// No engine is running: the message waits in the stream until one starts.
	return b.a.Outcome(ctx, id)
}
func (b adminBackend) close() { b.a.Close() }
