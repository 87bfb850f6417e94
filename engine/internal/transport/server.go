package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Config says where NATS is.
type Config struct {
	// URL of an external cluster; empty starts the embedded server.
	URL string
	// Credentials is a .creds file for the external cluster.
	Credentials string
	// StoreDir is the embedded server's JetStream storage directory.
	StoreDir string
	// Listen, when set, opens a client port on the embedded server so other
	// processes can join ("host:port").
	Listen string
	// Name identifies this client to the server (logs, monitoring).
	Name string
}

// Conn is a live connection, with the embedded server when there is one.
type Conn struct {
	NC *nats.Conn
	// Replicas is the replica count of the project's streams and buckets,
	// set at start (see ResolveReplicas).
	Replicas int
	cfg      Config
	server   *server.Server
}

// Connect starts the embedded server when cfg.URL is empty and connects.
// An external cluster that accepts no connection yet (restarting) is
// dialled again with backoff until ctx ends.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	c := &Conn{cfg: cfg}
	if cfg.URL == "" {
		ns, err := startEmbedded(cfg)
		if err != nil {
			return nil, err
		}
		c.server = ns
	}
	var nc *nats.Conn
	err := retry(ctx, "NATS", func(context.Context) (err error) {
		nc, err = c.Dial(cfg.Name)
		return err
	})
	if err != nil {
		if c.server != nil {
			c.server.Shutdown()
		}
		return nil, err
	}
	c.NC = nc
	return c, nil
}

// Dial opens another client connection to the same server, named name: a
// Watermill subscriber drains the connection it is given when it closes,
// so each gets its own.
func (c *Conn) Dial(name string) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.ReconnectBufSize(64 << 20),
	}
	if c.server != nil {
		nc, err := nats.Connect("", append(opts, nats.InProcessServer(c.server))...)
		if err != nil {
			return nil, fmt.Errorf("connecting to the embedded NATS server: %w", err)
		}
		return nc, nil
	}
	if c.cfg.Credentials != "" {
		opts = append(opts, nats.UserCredentials(c.cfg.Credentials))
	}
	nc, err := nats.Connect(c.cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", redactURL(c.cfg.URL), err)
	}
	return nc, nil
}

func startEmbedded(cfg Config) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "pipewright",
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		DontListen: cfg.Listen == "",
		NoSigs:     true,
		// JetStream takes the memory it needs for in-flight data only; the
		// backlog stays on disk.
		JetStreamMaxMemory: 64 << 20,
	}
	if cfg.Listen != "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("transport listen %q: %w", cfg.Listen, err)
		}
		opts.Host = host
		if opts.Port, err = strconv.Atoi(port); err != nil {
			return nil, fmt.Errorf("transport listen %q: bad port", cfg.Listen)
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded NATS server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("the embedded NATS server did not become ready in 30s (is its storage directory locked by another engine?)")
	}
	return ns, nil
}

// Close drains the connection and stops the embedded server.
func (c *Conn) Close() {
	if c.NC != nil {
		_ = c.NC.Drain()
		for i := 0; i < 100 && !c.NC.IsClosed(); i++ {
			time.Sleep(20 * time.Millisecond)
		}
		c.NC.Close()
	}
	if c.server != nil {
		c.server.Shutdown()
		c.server.WaitForShutdown()
	}
}

// redactURL drops credentials from a NATS URL, or a comma-separated list of
// them as nats.Connect takes, for messages.
func redactURL(u string) string {
	urls := strings.Split(u, ",")
	for i, one := range urls {
		scheme, rest := "", one
		if j := strings.Index(one, "://"); j >= 0 {
			scheme, rest = one[:j+3], one[j+3:]
		}
		host := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			host = rest[:j]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			urls[i] = scheme + "***@" + rest[at+1:]
		}
	}
	return strings.Join(urls, ",")
}
