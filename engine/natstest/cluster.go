package natstest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// ClusterName is the cluster name of every test cluster.
const ClusterName = "pw-test"

// Cluster is a set of in-process NATS servers with JetStream. A cluster of
// one is a standalone server (no cluster block: clients see no cluster
// name). Its methods fail the test on error; they are safe for concurrent
// use.
type Cluster struct {
	t    testing.TB
	opts []*server.Options
	mu   sync.Mutex
	srv  []*server.Server // nil while a node is stopped
}

// NewCluster prepares n servers, named n1..nN, with fixed client and route
// ports on 127.0.0.1 and a storage directory each, and starts none of them:
// a test can connect before the cluster exists, start nodes one by one, or
// StartAll. Every running node is shut down when the test ends.
func NewCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		t.Fatalf("natstest: a cluster needs at least one server, got %d", n)
	}
	ports := freePorts(t, 2*n)
	var routes []string
	for i := range n {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", ports[n+i]))
	}
	c := &Cluster{t: t, srv: make([]*server.Server, n)}
	for i := range n {
		o := &server.Options{
			ServerName:         fmt.Sprintf("n%d", i+1),
			Host:               "127.0.0.1",
			Port:               ports[i],
			JetStream:          true,
			StoreDir:           t.TempDir(),
			JetStreamMaxMemory: 64 << 20,
			JetStreamMaxStore:  1 << 30,
			NoLog:              true,
			NoSigs:             true,
		}
		if n > 1 {
			o.Cluster = server.ClusterOpts{Name: ClusterName, Host: "127.0.0.1", Port: ports[n+i]}
			o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		}
		c.opts = append(c.opts, o)
	}
	t.Cleanup(c.StopAll)
	return c
}

// StartCluster starts a cluster of n servers and waits until it is ready
// (see WaitReady).
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	c := NewCluster(t, n)
	c.StartAll()
	c.WaitReady()
	return c
}

// StartServer starts a standalone JetStream server.
func StartServer(t testing.TB) *Cluster { return StartCluster(t, 1) }

// Size is the number of servers, running or not.
func (c *Cluster) Size() int { return len(c.opts) }

// Start starts node i (0-based) with its ports and storage, and waits until
// it accepts connections (not until the cluster is ready).
func (c *Cluster) Start(i int) {
	c.t.Helper()
	c.mu.Lock()
	running := c.srv[i] != nil
	c.mu.Unlock()
	if running {
		return
	}
	o := *c.opts[i]
	s, err := server.NewServer(&o)
	if err != nil {
		c.t.Fatalf("natstest: server %s: %v", o.ServerName, err)
	}
	go s.Start()
	if !s.ReadyForConnections(componenttest.WaitLimit) {
		s.Shutdown()
		c.t.Fatalf("natstest: server %s did not accept connections in %s", o.ServerName, componenttest.WaitLimit)
	}
	c.mu.Lock()
	c.srv[i] = s
	c.mu.Unlock()
}

// StartAll starts every stopped node at the same time.
func (c *Cluster) StartAll() {
	c.t.Helper()
	var wg sync.WaitGroup
	for i := range c.opts {
		wg.Go(func() { c.Start(i) })
	}
	wg.Wait()
}

// Stop shuts node i down (its storage stays for a restart with Start).
func (c *Cluster) Stop(i int) {
	c.mu.Lock()
	s := c.srv[i]
	c.srv[i] = nil
	c.mu.Unlock()
	if s != nil {
		s.Shutdown()
		s.WaitForShutdown()
	}
}

// StopAll shuts every running node down.
func (c *Cluster) StopAll() {
	for i := range c.opts {
		c.Stop(i)
	}
}

// Server returns node i, or nil while it is stopped.
func (c *Cluster) Server(i int) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srv[i]
}

// URL is the comma-separated client URLs of every node, as nats.Connect
// and transport.url take them.
func (c *Cluster) URL() string {
	urls := make([]string, len(c.opts))
	for i, o := range c.opts {
		urls[i] = fmt.Sprintf("nats://127.0.0.1:%d", o.Port)
	}
	return strings.Join(urls, ",")
}

// Connect opens a client connection to the cluster that reconnects for
// ever (and keeps trying when no node is up yet); it is closed when the test
// ends.
func (c *Cluster) Connect() *nats.Conn {
	c.t.Helper()
	nc, err := nats.Connect(c.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond),
		nats.RetryOnFailedConnect(true), nats.Name("natstest"))
	if err != nil {
		c.t.Fatalf("natstest: connecting: %v", err)
	}
	c.t.Cleanup(nc.Close)
	return nc
}

// WaitReady waits until every running node accepts JetStream requests: on
// a cluster, a meta leader knows every running node as a current peer.
func (c *Cluster) WaitReady() {
	c.t.Helper()
	componenttest.WaitFor(c.t, "the NATS cluster to be ready", c.ready)
}

func (c *Cluster) ready() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	var running []*server.Server
	for _, s := range c.srv {
		if s != nil {
			running = append(running, s)
		}
	}
	if len(c.opts) == 1 {
		return len(running) == 1 && running[0].JetStreamEnabled()
	}
	for _, s := range running {
		if !s.JetStreamIsCurrent() {
			return false
		}
		if s.JetStreamIsLeader() && len(s.JetStreamClusterPeers()) != len(running) {
			return false
		}
	}
	for _, s := range running {
		if s.JetStreamIsLeader() {
			return true
		}
	}
	return false
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("natstest: finding a free port: %v", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// SharedState returns the shared state of project as its engines get it
// (component.Settings.Shared): the project's buckets are created with the
// cluster's size up to 3 as replicas.
func (c *Cluster) SharedState(project string) component.SharedState {
	c.t.Helper()
	js, err := jetstream.New(c.Connect())
	if err != nil {
		c.t.Fatalf("natstest: jetstream: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	b, err := transport.EnsureBuckets(ctx, js, transport.Names{Project: project}, transport.Limits{Replicas: min(c.Size(), 3)})
	if err != nil {
		c.t.Fatalf("natstest: buckets of %s: %v", project, err)
	}
	return transport.NewShared(b.Shared)
}
