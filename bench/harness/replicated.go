package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cluster is a running bench-natscluster process.
type cluster struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// startCluster starts an external NATS cluster of nodes with fresh storage
// and waits for its URLs.
func (o options) startCluster(nodes int) (*cluster, error) {
	dir := filepath.Join(o.out, "cluster")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	cmd := exec.Command(o.cluster, "-n", strconv.Itoa(nodes), "-dir", dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &cluster{cmd: cmd, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		urls <- strings.TrimSpace(line)
		_ = cmd.Wait()
		close(c.done)
	}()
	select {
	case c.url = <-urls:
	case <-time.After(3 * time.Minute):
	}
	if c.url == "" {
		c.stop()
		return nil, errors.New("the NATS cluster did not come up")
	}
	return c, nil
}

func (c *cluster) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(time.Minute):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// measureReplicated runs n orders on an external single server (R1) and on
// a 3-node cluster (R3, where the project's streams get three replicas by
// default), alternating, and prints each one's cost per order: the
// engine's CPU plus the NATS process's over the run.
func (o options) measureReplicated(n int) error {
	input, ref, err := o.input(n)
	if err != nil {
		return err
	}
	fmt.Printf("== replicated transport: %s orders on an external NATS, R1 (one server) and R3 (3-node cluster), %s alternating\n",
		thousands(float64(n)), rounds(o.rounds))
	runs := map[int][]result{}
	nodes := []int{1, 3}
	var mismatch error
	for r := range o.rounds {
		for i := range nodes {
			k := nodes[(i+r)%len(nodes)]
			res, out, err := o.runOnCluster(k, input, n)
			if err != nil {
				return fmt.Errorf("R%d, round %d: %w", k, r+1, err)
			}
			runs[k] = append(runs[k], res)
			if r == 0 && mismatch == nil {
				mismatch = o.sameDocuments(ref, out)
			}
		}
	}
	_ = os.RemoveAll(filepath.Join(o.out, "run-cluster"))
	for _, k := range nodes {
		rs := runs[k]
		fmt.Printf("R%d: %s orders/s, %.2f CPU-s/100k (engine and NATS; runs %s), engine peak RSS %.0f MB\n", k,
			thousands(median(column(rs, result.ordersPerSecond))), median(column(rs, result.cpuPer100k)),
			list(column(rs, result.cpuPer100k)), mib(median(column(rs, peakRSS))))
	}
	cpu := func(k int) []float64 { return column(runs[k], func(r result) float64 { return r.cpu.Seconds() }) }
	rt := ratios(cpu(3), cpu(1))
	fmt.Printf("R3 against R1, paired: CPU per order x%.2f (%s)\n", median(rt), list(rt))
	if mismatch != nil {
		fmt.Println("  OUTPUT DIFFERS:", mismatch)
		return mismatch
	}
	fmt.Println("  output (round 1): the floor's documents, each once")
	return nil
}

// runOnCluster measures one engine run against a fresh external cluster of
// nodes; it returns the run and the output file.
func (o options) runOnCluster(nodes int, input string, n int) (result, string, error) {
	c, err := o.startCluster(nodes)
	if err != nil {
		return result{}, "", err
	}
	defer c.stop()
	s := engineSpec{bin: o.engine, project: o.project, input: input, orders: n,
		data: filepath.Join(o.out, "run-cluster"),
		log:  filepath.Join(o.out, fmt.Sprintf("r%d-%d.log", nodes, n)),
		env:  []string{"BENCH_NATS_URL=" + c.url}}
	res, err := runEngine(s, c.cmd.Process.Pid)
	return res, s.output(), err
}
