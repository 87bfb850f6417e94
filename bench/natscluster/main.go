// Command natscluster runs a NATS JetStream cluster of -n nodes in one
// process, for `make bench` to measure replicated (R3) against single-node
// (R1) transport with an external server: one node is a standalone server,
// more form a cluster on 127.0.0.1. Once JetStream answers it prints the
// client URLs (comma-separated, as `transport.url` takes them) on one line
// of standard output, then runs until SIGTERM or SIGINT.
//
//	natscluster -n 3 -dir bench/out/cluster
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func main() {
	n := flag.Int("n", 3, "nodes (1: a standalone server)")
	dir := flag.String("dir", "", "storage directory (one subdirectory per node)")
	flag.Parse()
	if err := run(*n, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "natscluster:", err)
		os.Exit(1)
	}
}

func run(n int, dir string) error {
	if n < 1 || dir == "" {
		return errors.New("usage: natscluster -n NODES -dir DIR")
	}
	ports, err := freePorts(2 * n)
	if err != nil {
		return err
	}
	var routes, urls []string
	for i := range n {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", ports[n+i]))
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", ports[i]))
	}
	var servers []*server.Server
	defer func() {
		for _, s := range servers {
			s.Shutdown()
			s.WaitForShutdown()
		}
	}()
	for i := range n {
		o := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1),
			Host:       "127.0.0.1",
			Port:       ports[i],
			JetStream:  true,
			StoreDir:   filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			// As the engine's embedded server: memory for in-flight data only.
			JetStreamMaxMemory: 64 << 20,
			NoLog:              true,
			NoSigs:             true,
		}
		if n > 1 {
			o.Cluster = server.ClusterOpts{Name: "pw-bench", Host: "127.0.0.1", Port: ports[n+i]}
			o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		}
		s, err := server.NewServer(o)
		if err != nil {
			return fmt.Errorf("node %s: %w", o.ServerName, err)
		}
		servers = append(servers, s)
		go s.Start()
	}
	for _, s := range servers {
		if !s.ReadyForConnections(time.Minute) {
			return fmt.Errorf("node %s accepts no connections after a minute", s.Name())
		}
	}
	if err := waitJetStream(strings.Join(urls, ",")); err != nil {
		return err
	}
	fmt.Println(strings.Join(urls, ","))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

// waitJetStream waits until JetStream answers account requests (a cluster
// has elected its meta leader).
func waitJetStream(url string) error {
	nc, err := nats.Connect(url)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.AccountInfo(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("JetStream not ready after two minutes: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freePorts returns n ports free on 127.0.0.1 at the time of asking.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
