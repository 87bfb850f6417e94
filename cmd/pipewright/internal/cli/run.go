package cli

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pipewright/pipewright/engine/alerts"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/console"
	"github.com/pipewright/pipewright/engine/runtime"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run a pipeline directory",
		usage:   "DIR",
		help: `
Run validates the directory (and refuses to start on any problem), then runs
every pipeline in it: the embedded NATS JetStream server with its storage
under the data directory (or the external cluster of transport.url), the
connections, one Watermill handler per pipeline, the sources, and the HTTP
server with webhooks, /metrics, /healthz, /readyz, the dead-letter API, the
operator console at /console/ (docs/console.md) and a status page at /status.

Logs are JSON lines on standard error. SIGINT or SIGTERM stops intake,
finishes or hands back the messages in flight and exits 0; messages not
acknowledged before a crash are delivered again on the next start.

Examples:
  pipewright run pipelines/sage500-amazon
  pipewright run --listen 0.0.0.0:8080 --data /var/lib/pipewright pipelines/acme`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			listen := fs.String("listen", "", "HTTP listen address (overrides server.listen)")
			data := fs.String("data", "", "data directory (overrides data_dir)")
			level := fs.String("log-level", "info", "log level: debug, info, warn or error")
			workers := fs.Int("workers", 0, "messages each pipeline processes at once (default 32)")
			format := fs.String("log-format", "json", "log format: json or text")
			logMessages := fs.Bool("log-messages", false, "log one line per message a sink completed (demos; too much for busy production)")
			timeScale := fs.Float64("time-scale", 1, "run the engine clock this many times faster than real time (demos and tests only)")
			return func(args []string) error {
				if len(args) != 1 {
					return usagef("want one directory")
				}
				var lvl slog.Level
				if err := lvl.UnmarshalText([]byte(*level)); err != nil {
					return usagef("bad -log-level %q", *level)
				}
				p, err := loadProject(args[0])
				if err != nil {
					printLoadError(e, err)
					return errReported
				}
				var handler slog.Handler = slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: lvl})
				switch *format {
				case "json":
				case "text":
					handler = slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: lvl})
				default:
					return usagef("bad -log-format %q: want json or text", *format)
				}
				logger := slog.New(handler)
				if *timeScale <= 0 {
					return usagef("bad -time-scale %v: want a positive factor", *timeScale)
				}
				opts := runtime.Options{Project: p, DataDir: *data, Listen: *listen, Logger: logger, Workers: *workers, LogMessages: *logMessages,
					Addons: []runtime.Addon{console.New(), alerts.New()}}
				if *timeScale != 1 {
					opts.Clock = component.NewScaledClock(time.Now(), *timeScale)
					logger.Warn("the engine clock runs faster than real time (demo mode)", "time_scale", *timeScale)
				}
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				return runtime.Run(ctx, opts)
			}
		},
	})
}
