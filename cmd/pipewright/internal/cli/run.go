package cli

import (
	"cmp"
	"context"
	"flag"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pipewright/pipewright/engine/alerts"
	"github.com/pipewright/pipewright/engine/console"
	"github.com/pipewright/pipewright/engine/service"
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

The engine reloads the directory while it runs: when a file it read changes
(or a pipeline, table or test file appears; polled every -watch), on SIGHUP,
and on 'pipewright reload' (POST /api/reload). A valid directory is swapped in
between messages, restarting only the connections, sources and sinks whose
options changed; an invalid one is refused with its file:line:col problems
in the log and the API, and the running version stays. /api/health and the
pipewright_config_info metric show the version (content hash) each engine runs.

Examples:
  pipewright run pipelines/sage500-amazon
  pipewright run --listen 0.0.0.0:8080 --data /var/lib/pipewright pipelines/acme
  pipewright run -watch 0 pipelines/acme      # reload on SIGHUP or 'pipewright reload' only`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			listen := fs.String("listen", "", "HTTP listen address (overrides server.listen)")
			data := fs.String("data", "", "data directory (overrides data_dir)")
			level := fs.String("log-level", "info", "log level: debug, info, warn or error")
			workers := fs.Int("workers", 0, "messages each pipeline processes at once (default 32)")
			format := fs.String("log-format", "json", "log format: json or text")
			logMessages := fs.Bool("log-messages", false, "log one line per message a sink completed (demos; too much for busy production)")
			timeScale := fs.Float64("time-scale", 1, "run the engine clock this many times faster than real time (demos and tests only)")
			timeOrigin := fs.String("time-origin", "", "with -time-scale: the instant (RFC 3339) the accelerated clock started at, reading the real time then; engines given the same origin and scale share one clock (empty: resume the data directory's clock)")
			watch := fs.Duration("watch", 2*time.Second, "poll the directory for changes this often and reload (0: reload on SIGHUP or 'pipewright reload' only)")
			return func(args []string) error {
				if len(args) != 1 {
					return usagef("want one directory")
				}
				var lvl slog.Level
				if err := lvl.UnmarshalText([]byte(*level)); err != nil {
					return usagef("bad -log-level %q", *level)
				}
				p, err := e.loadProject(args[0])
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
				memLimit := service.ApplyMemoryLimit(p)
				defer memLimit.Stop()
				if memLimit.Bytes < math.MaxInt64 {
					logger.Info("soft memory limit", "mib", memLimit.Bytes>>20, "from", memLimit.From)
				}
				if p.Server.Pprof != "" {
					stopPprof, err := startPprof(p.Server.Pprof, logger)
					if err != nil {
						return err
					}
					defer stopPprof()
				}
				if *timeScale <= 0 {
					return usagef("bad -time-scale %v: want a positive factor", *timeScale)
				}
				if *watch < 0 {
					return usagef("bad -watch %v: want a positive interval, or 0 for none", *watch)
				}
				hup := make(chan os.Signal, 1)
				signal.Notify(hup, syscall.SIGHUP)
				defer signal.Stop(hup)
				opts := service.Options{Project: p, DataDir: *data, Listen: *listen, Logger: logger, Workers: *workers, LogMessages: *logMessages,
					Load: e.loadProject, WatchEvery: *watch, ReloadOn: hup, Addons: []service.Addon{console.New(), alerts.New()}}
				var origin time.Time
				if *timeOrigin != "" {
					if origin, err = time.Parse(time.RFC3339Nano, *timeOrigin); err != nil {
						return usagef("bad -time-origin %q: want an RFC 3339 time", *timeOrigin)
					}
				}
				switch {
				case !origin.IsZero():
					opts.Clock = sharedDemoClock(origin, *timeScale)
					logger.Warn("the engine clock runs faster than real time (demo mode) from a shared origin",
						"time_scale", *timeScale, "origin", origin.UTC().Format(time.RFC3339Nano), "now", opts.Clock.Now().UTC().Format(time.RFC3339))
				case *timeScale != 1:
					clock, stopClock := resumeDemoClock(cmp.Or(*data, p.DataDir, "data"), *timeScale)
					defer stopClock()
					opts.Clock = clock
					logger.Warn("the engine clock runs faster than real time (demo mode); it resumes where the last run stopped",
						"time_scale", *timeScale, "now", clock.Now().UTC().Format(time.RFC3339))
				}
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				return service.Run(ctx, opts)
			}
		},
	})
}
