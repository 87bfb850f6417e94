package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

func init() {
	register(&command{
		name:    "sandbox",
		summary: "run the SP-API simulator",
		help: `
Sandbox runs the Amazon Selling Partner API simulator on its own: Login with
Amazon, Orders (2026-01-01 searchOrders and getOrder, v0 confirmShipment and
reads), Feeds with processing reports, Reports with settlement reports,
Listings Items, FBA Inventory, Tokens and Notifications, with Amazon's rate
limits and error shapes. It generates orders over simulated time and can push
ORDER_CHANGE notifications to a webhook. Point a pipeline directory's spapi
connection at it with endpoint and lwa_endpoint set to the printed URL.

Examples:
  pipewright sandbox
  pipewright sandbox -listen 127.0.0.1:8790 -orders-per-hour 120 -time-scale 60
  pipewright sandbox -notify-url http://127.0.0.1:8080/hooks/amazon -fault-storm-after 1h -fault-storm-for 10m`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			cfg := simulator.DefaultConfig()
			cfg.RegisterFlags(fs)
			return func(args []string) error {
				if len(args) != 0 {
					return usagef("sandbox takes no arguments")
				}
				cfg.Logger = slog.New(slog.NewJSONHandler(e.stderr, nil))
				srv, err := simulator.New(cfg)
				if err != nil {
					return err
				}
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				if err := srv.Start(ctx); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "SP-API simulator listening on %s\n", srv.URL())
				<-ctx.Done()
				return srv.Close()
			}
		},
	})
}
