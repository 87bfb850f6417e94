package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
)

const subscriptionsHelp = `Spapi subscriptions DIR shows, for every spapi connection of a pipeline
directory, the SP-API notification destinations and subscriptions its
flows need and whether Amazon has them: exists, missing, created (by
-apply), conflict (the type is subscribed to another destination; left
unchanged), no destination configured (an SQS type without a queue URL,
an EventBridge type without the connection's notifications.eventbridge)
or refused (a FIFO queue: Amazon delivers nothing to FIFO queues). Each
type goes to the channel Amazon supports for it: SQS for ORDER_CHANGE,
REPORT_PROCESSING_FINISHED, FEED_PROCESSING_FINISHED, FBA and MCF types,
EventBridge for the listings, brand and product-type types. With -apply it
creates what is missing: destinations with a grantless LWA token,
subscriptions with the seller's refresh token. It never deletes or changes
anything, so a second run changes nothing. The exit status is 0 when
everything needed exists (or was created), 3 when something is missing and
-apply was not given, 1 on a conflict, refusal, missing configuration or
failed call.`

// subscriptions runs "spapi subscriptions".
func subscriptions(e *env, dir string, apply, asJSON bool) error {
	p, err := e.loadProject(dir)
	if err != nil {
		printLoadError(e, err)
		return errReported
	}
	needs, err := notificationNeeds(p)
	if err != nil {
		return err
	}
	if len(needs) == 0 {
		fmt.Fprintf(e.stdout, "%s: no flow needs SP-API notifications\n", dir)
		return nil
	}
	ctx := context.Background()
	var reports []*spapi.SubscriptionReport
	for _, name := range slices.Sorted(maps.Keys(needs)) {
		r, err := connectionSubscriptions(ctx, p.Connections[name], needs[name], apply)
		if r != nil {
			reports = append(reports, r)
		}
		if err != nil {
			printSubscriptions(e, reports, asJSON)
			return fmt.Errorf("connection %s: %w", name, err)
		}
	}
	printSubscriptions(e, reports, asJSON)
	pending, problems := false, false
	for _, r := range reports {
		pending, problems = pending || r.Pending(), problems || r.Problems()
	}
	switch {
	case problems:
		return errReported
	case pending:
		return exitCode(ExitPending)
	}
	return nil
}

// notificationNeeds collects the needs of every component, by spapi
// connection name. A component that names no connection (the
// spapi.notifications webhook) is counted with the directory's only spapi
// connection.
func notificationNeeds(p *config.Project) (map[string][]spapi.PipelineNeed, error) {
	var spapiConns []string
	for name, c := range p.Connections {
		if c.Type == spapi.ConnectionType {
			spapiConns = append(spapiConns, name)
		}
	}
	out := map[string][]spapi.PipelineNeed{}
	for _, pl := range p.Pipelines {
		comps := []*config.ComponentConfig{pl.Source}
		for _, name := range slices.Sorted(maps.Keys(pl.Sinks)) {
			comps = append(comps, pl.Sinks[name])
		}
		for _, c := range comps {
			n, ok := c.Config.(spapi.NotificationNeeder)
			if !ok {
				continue
			}
			conn := c.Connection
			needs := n.NotificationNeeds()
			if conn == "" && len(needs) > 0 {
				if len(spapiConns) != 1 {
					return nil, fmt.Errorf("pipeline %s: its %s needs SP-API notifications and names no connection; the directory has %d spapi connections, so whose seller subscribes is unclear",
						pl.Name, c.Type, len(spapiConns))
				}
				conn = spapiConns[0]
			}
			for _, need := range needs {
				out[conn] = append(out[conn], spapi.PipelineNeed{Pipeline: pl.Name, NotificationNeed: need})
			}
		}
	}
	return out, nil
}

// connectionSubscriptions plans, and with apply creates, one connection's
// destinations and subscriptions.
func connectionSubscriptions(ctx context.Context, cc *config.Connection, needs []spapi.PipelineNeed, apply bool) (*spapi.SubscriptionReport, error) {
	cfg, ok := cc.Config.(*spapi.ConnectionConfig)
	if !ok {
		return nil, fmt.Errorf("is a %s connection, not spapi", cc.Type)
	}
	set := component.Settings{ID: "connection/" + cc.Name, Logger: slog.New(slog.DiscardHandler), Metrics: prometheus.NewRegistry(), Clock: component.WallClock{}}
	c, err := cc.Factory.CreateConnection(ctx, set, cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = c.Shutdown(ctx) }()
	conn := c.(*spapi.Connection)
	r, err := conn.PlanSubscriptions(ctx, needs, cfg.NotificationTargets(cc.Name))
	if err != nil || !apply {
		return r, err
	}
	return r, conn.ApplySubscriptions(ctx, r)
}

// printSubscriptions prints the reports as tables, or as a JSON array.
func printSubscriptions(e *env, reports []*spapi.SubscriptionReport, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(reports) // writes to stdout: nothing to do about a failure
		return
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printSubscriptionReport(e.stdout, r)
	}
}

func printSubscriptionReport(w io.Writer, r *spapi.SubscriptionReport) {
	fmt.Fprintf(w, "connection %s\n", r.Connection)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.Destinations) > 0 {
		fmt.Fprintln(tw, "\nDESTINATION\tCHANNEL\tSTATE")
		for _, d := range r.Destinations {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Resource, d.Channel, d.State)
		}
	}
	fmt.Fprintln(tw, "\nTYPE\tCHANNEL\tDESTINATION\tNEEDED BY\tSTATE")
	for _, s := range r.Subscriptions {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Type, orDash(string(s.Channel)), orDash(s.Destination), strings.Join(s.NeededBy, ","), s.State)
	}
	_ = tw.Flush()
	var notes []string
	for _, d := range r.Destinations {
		if d.Detail != "" {
			notes = append(notes, fmt.Sprintf("  %s: %s", d.Resource, d.Detail))
		}
	}
	for _, s := range r.Subscriptions {
		if s.Detail != "" {
			notes = append(notes, fmt.Sprintf("  %s: %s", s.Type, s.Detail))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(notes, "\n"))
	}
	if r.Pending() {
		fmt.Fprintln(w, "\nrun with -apply to create what is missing")
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
