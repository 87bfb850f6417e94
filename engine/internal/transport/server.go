package transport

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
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
	NC     *nats.Conn
	server *server.Server
}

// Connect starts the embedded server when cfg.URL is empty and connects.
func Connect(cfg Config) (*Conn, error) {
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.ReconnectBufSize(64 << 20),
	}
	if cfg.URL != "" {
		if cfg.Credentials != "" {
			opts = append(opts, nats.UserCredentials(cfg.Credentials))
		}
		nc, err := nats.Connect(cfg.URL, opts...)
		if err != nil {
			return nil, fmt.Errorf("connecting to %s: %w", redactURL(cfg.URL), err)
		}
		return &Conn{NC: nc}, nil
	}
	ns, err := startEmbedded(cfg)
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect("", append(opts, nats.InProcessServer(ns))...)
	if err != nil {
		ns.Shutdown()
		return nil, fmt.Errorf("connecting to the embedded NATS server: %w", err)
	}
	return &Conn{NC: nc, server: ns}, nil
}

func startEmbedded(cfg Config) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "pipewright",
		JetStream:  true,
		StoreDir:   filepath.Join(cfg.StoreDir),
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

// ClientURL is the embedded server's client URL when it listens, else "".
func (c *Conn) ClientURL() string {
	if c.server == nil || c.server.Addr() == nil {
		return ""
	}
	return c.server.ClientURL()
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

// redactURL drops credentials from a NATS URL for messages.
func redactURL(u string) string {
	for i := 0; i+2 < len(u); i++ {
		if u[i:i+3] == "://" {
			rest := u[i+3:]
			for j := 0; j < len(rest); j++ {
				if rest[j] == '@' {
					return u[:i+3] + "***@" + rest[j+1:]
				}
				if rest[j] == '/' {
					break
				}
			}
			break
		}
	}
	return u
}
