package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

func init() {
	register(&command{
		name:    "dlq",
		summary: "review, replay, resolve or drop dead letters; approve or reject held messages",
		usage:   "list|groups|show|replay|resolve|approve|reject|drop DIR [SEQ]",
		help: `
Dlq works on the dead letters of a pipeline directory. It talks to the
running engine's API (server.listen, -server, or the address the engine
recorded in its data directory) and, when no engine runs, opens the stopped
engine's data directory; it says on standard error which one it uses. It
never opens a data directory that a running engine holds.

  list DIR            records, oldest first: open ones unless -status
                      resolved or all; filters -pipeline, -step, -group,
                      -key, -error, -since, -until; -json for full records
  groups DIR          open records grouped by pipeline and reason (the error
                      with its ids, numbers, SKUs and quoted values taken
                      out), with counts and example ids
  show DIR SEQ        one record as JSON: error, reason, status, attempts,
                      timestamps, the original message, the step input,
                      metadata, lookups (-mask hides personal data)
  replay DIR SEQ      run the original message through every step again with
                      the directory as it is now and fresh lookups, and print
                      the outcome; -resume re-enters at the failed step with
                      the recorded input, -body FILE with an edited one. Exits
                      1 when the replay failed again (printing the new record)
  replay DIR          replay every open record the filters select, paced at
                      -rate per second (default: the pipelines' replay_rate),
                      with a progress bar; -all without filters
  resolve DIR SEQ     mark a record resolved: -note says what was done
  resolve DIR         resolve every open record the filters select (-note)
  approve DIR SEQ     let a message a guard held for review (class held;
                      list them with -class held) continue past the guard,
                      and print the outcome; -by names the reviewer
                      (default: $USER), -note says why
  reject DIR SEQ      drop a held message: the record is resolved as
                      rejected, with -by and -note
  drop DIR SEQ        delete a record for good

Examples:
  pipewright dlq groups pipelines/sage500-amazon
  pipewright dlq list -pipeline orders -since 24h pipelines/sage500-amazon
  pipewright dlq show -mask pipelines/sage500-amazon 42
  pipewright dlq replay pipelines/sage500-amazon 42
  pipewright dlq replay -group 3f9a1c2b7d -rate 2 pipelines/sage500-amazon
  pipewright dlq resolve -note "refunded on Amazon" pipelines/sage500-amazon 42
  pipewright dlq list -class held pipelines/sage500-amazon
  pipewright dlq approve -note "clearance sale" pipelines/sage500-amazon 43
  pipewright dlq reject -note "typo in Sage, fixed there" pipelines/sage500-amazon 44
  pipewright dlq drop pipelines/sage500-amazon 42`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			o := &dlqOpts{}
			fs.StringVar(&o.status, "status", "", "list: open (default), resolved or all")
			fs.StringVar(&o.pipeline, "pipeline", "", "only this pipeline")
			fs.StringVar(&o.step, "step", "", "only this step")
			fs.StringVar(&o.class, "class", "", "only this class (permanent, exhausted, expired, held)")
			fs.StringVar(&o.group, "group", "", "only this reason group (an id from dlq groups)")
			fs.StringVar(&o.key, "key", "", "only this business key")
			fs.StringVar(&o.errText, "error", "", "only errors containing this text")
			fs.StringVar(&o.since, "since", "", "failed at or after this RFC 3339 time, or this long ago (24h)")
			fs.StringVar(&o.until, "until", "", "failed at or before this RFC 3339 time, or this long ago")
			fs.BoolVar(&o.json, "json", false, "list, groups: print JSON")
			fs.BoolVar(&o.mask, "mask", false, "mask personal data in what is printed")
			fs.StringVar(&o.body, "body", "", "replay: file holding an edited step input (JSON); resumes at the failed step")
			fs.BoolVar(&o.resume, "resume", false, "replay: re-enter at the failed step with the recorded input")
			fs.DurationVar(&o.wait, "wait", 10*time.Second, "replay: how long to wait for the outcome")
			fs.Float64Var(&o.rate, "rate", 0, "bulk replay: replays per second (default: the pipelines' replay_rate)")
			fs.BoolVar(&o.all, "all", false, "bulk replay or resolve: take every open record")
			fs.StringVar(&o.note, "note", "", "resolve: what was done (required); approve, reject: why")
			fs.StringVar(&o.by, "by", os.Getenv("USER"), "approve, reject: who decides")
			fs.StringVar(&o.server, "server", "", "engine address (default: server.listen of the project)")
			fs.StringVar(&o.data, "data", "", "data directory of a stopped engine (default: data_dir)")
			return func(args []string) error { return runDLQ(e, o, args) }
		},
	})
}

type dlqOpts struct {
	status, pipeline, step, class, group, key, errText, since, until string
	body, note, by, server, data                                     string
	json, mask, resume, all                                          bool
	rate                                                             float64
	wait                                                             time.Duration
}

// query is the filter as the API's query parameters.
func (o *dlqOpts) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": o.status, "pipeline": o.pipeline, "step": o.step, "class": o.class, "group": o.group,
		"key": o.key, "error": o.errText, "since": o.since, "until": o.until} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

func runDLQ(e *env, o *dlqOpts, args []string) error {
	if len(args) < 2 {
		return usagef("want an operation and a directory")
	}
	op, dir := args[0], args[1]
	var seq uint64
	switch {
	case op == "list" || op == "groups" || ((op == "replay" || op == "resolve") && len(args) == 2):
		if len(args) != 2 {
			return usagef("%s takes no sequence number", op)
		}
	case op == "show" || op == "replay" || op == "resolve" || op == "drop" || op == "approve" || op == "reject":
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
	if op == "resolve" && o.note == "" {
		return usagef("resolve needs -note saying what was done")
	}
	if (op == "approve" || op == "reject") && o.by == "" {
		return usagef("%s needs -by naming who decides", op)
	}
	if _, err := service.FilterFromQuery(o.query()); err != nil {
		return usagef("%v", err)
	}
	p, err := e.loadProject(dir)
	if err != nil {
		printLoadError(e, err)
		return errReported
	}
	ctx := context.Background()
	b, err := openDLQBackend(ctx, e, p, o)
	if err != nil {
		return err
	}
	defer b.close()
	switch {
	case op == "list":
		return dlqList(ctx, e, b, o)
	case op == "groups":
		return dlqGroups(ctx, e, b, o)
	case op == "show":
		rec, err := b.get(ctx, seq, o.mask)
		if err != nil {
			return err
		}
		return printJSON(e.stdout, rec)
	case op == "drop":
		if err := b.drop(ctx, seq); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "dropped %d\n", seq)
		return nil
	case op == "resolve" && seq != 0:
		rec, err := b.resolve(ctx, seq, o.note)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "resolved %d (%s)\n", rec.Seq, rec.Reason)
		return nil
	case op == "approve":
		return dlqApprove(ctx, e, b, o, seq)
	case op == "reject":
		rec, err := b.reject(ctx, seq, o.by, o.note)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "rejected %d by %s (%s)\n", rec.Seq, rec.Review.By, rec.Reason)
		return nil
	case seq == 0:
		return dlqBulk(ctx, e, b, o, op)
	}
	return dlqReplay(ctx, e, b, o, seq)
}

func dlqReplay(ctx context.Context, e *env, b dlqBackend, o *dlqOpts, seq uint64) error {
	req := service.ReplayRequest{Resume: o.resume}
	if o.body != "" {
		body, err := os.ReadFile(o.body)
		if err != nil {
			return err
		}
		if !json.Valid(body) {
			return fmt.Errorf("%s is not valid JSON", o.body)
		}
		req.Body = body
	}
	out, err := b.replay(ctx, seq, req, o.wait, o.mask)
	if err != nil {
		return err
	}
	return printOutcome(e, out, seq)
}

func dlqApprove(ctx context.Context, e *env, b dlqBackend, o *dlqOpts, seq uint64) error {
	out, err := b.approve(ctx, seq, o.by, o.note, o.wait)
	if err != nil {
		return err
	}
	return printOutcome(e, out, seq)
}

// printOutcome prints a replay's outcome; a replay that failed again is
// an error (exit 1).
func printOutcome(e *env, out *service.ReplayOutcome, seq uint64) error {
	if err := printJSON(e.stdout, out); err != nil {
		return err
	}
	switch out.Status {
	case service.ReplayFailed:
		fmt.Fprintf(e.stderr, "pipewright dlq: the replay failed again: dead letter %d\n", out.DLQSeq)
		return errReported
	case service.ReplayPending:
		fmt.Fprintf(e.stderr, "pipewright dlq: no outcome yet; follow it with: pipewright dlq show DIR %d\n", seq)
	}
	return nil
}
