package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/pipewright/pipewright/engine/service"
)

func dlqList(ctx context.Context, e *env, b dlqBackend, o *dlqOpts) error {
	recs, err := b.list(ctx, o.query(), o.json, o.mask)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(e.stdout, recs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tSTATUS\tFAILED AT\tPIPELINE\tSTEP\tGROUP\tERROR")
	for _, r := range recs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.Status, r.FailedAt.Format(time.RFC3339), r.Pipeline, r.Step, r.Group, oneLine(r.Error, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d dead letter(s)\n", len(recs))
	return nil
}

func dlqGroups(ctx context.Context, e *env, b dlqBackend, o *dlqOpts) error {
	groups, err := b.groups(ctx, o.query(), o.mask)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(e.stdout, groups)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tPIPELINE\tCOUNT\tLAST FAILED\tEXAMPLES\tREASON")
	for _, g := range groups {
		ids := make([]string, len(g.Examples))
		for i, ex := range g.Examples {
			ids[i] = fmt.Sprint(ex.Seq)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", g.ID, g.Pipeline, g.Count, g.LastFailedAt.Format(time.RFC3339), strings.Join(ids, ","), oneLine(g.Reason, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d group(s); replay one with: pipewright dlq replay -group GROUP DIR\n", len(groups))
	return nil
}

// dlqBulk replays or resolves every open record the filters select.
func dlqBulk(ctx context.Context, e *env, b dlqBackend, o *dlqOpts, action string) error {
	q := o.query()
	if q.Has("status") {
		return usagef("-status does not apply to %s: it takes the open records", action)
	}
	if len(q) == 0 && !o.all {
		return usagef("%s without a sequence number takes the records the filters select: give -pipeline, -step, -group, -key, -error, -since or -until (or -all)", action)
	}
	body := service.BulkBody{Filter: map[string]string{}, All: o.all, Note: o.note, Rate: o.rate}
	for k := range q {
		body.Filter[k] = q.Get(k)
	}
	bar := &progressBar{w: e.stderr, tty: isTerminal(e.stderr), verb: map[string]string{"replay": "replaying", "resolve": "resolving"}[action]}
	job, err := b.bulk(ctx, action, body, bar.show)
	if err != nil {
		return err
	}
	bar.done()
	fmt.Fprintf(e.stdout, "%s %d: ok %d, failed %d, dropped %d, pending %d, skipped %d, errors %d\n",
		action, job.Total, job.OK, job.Failed, job.Dropped, job.Pending, job.Skipped, job.Errors)
	for _, r := range job.Results {
		switch {
		case r.Status == service.ReplayFailed:
			fmt.Fprintf(e.stdout, "  %d failed again: dead letter %d: %s\n", r.Seq, r.DLQSeq, oneLine(r.Error, 100))
		case r.Status == "error" || r.Status == "skipped":
			fmt.Fprintf(e.stdout, "  %d %s: %s\n", r.Seq, r.Status, oneLine(r.Error, 100))
		}
	}
	if job.Error != "" {
		return fmt.Errorf("%s: %s", action, job.Error)
	}
	if job.Failed > 0 || job.Errors > 0 {
		return errReported
	}
	return nil
}

// progressBar draws a job's progress: redrawn in place on a terminal, a
// line per tenth of the work elsewhere.
type progressBar struct {
	w       io.Writer
	tty     bool
	verb    string
	printed int // tenths printed (not a terminal)
	drawn   bool
}

const barWidth = 30

func (p *progressBar) show(j service.Job) {
	if j.Total == 0 {
		return
	}
	settled := j.OK + j.Failed + j.Dropped + j.Skipped + j.Errors
	filled := barWidth * settled / j.Total
	line := fmt.Sprintf("%s [%s%s] %d/%d  ok %d  failed %d  pending %d", p.verb, strings.Repeat("#", filled),
		strings.Repeat(".", barWidth-filled), settled, j.Total, j.OK, j.Failed, j.Pending)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\033[K", line)
		p.drawn = true
		return
	}
	if tenth := 10 * settled / j.Total; tenth > p.printed || (j.Finished() && !p.drawn) {
		p.printed, p.drawn = tenth, j.Finished()
		fmt.Fprintln(p.w, line)
	}
}

func (p *progressBar) done() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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
