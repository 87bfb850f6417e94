package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// pollEvery is how often the harness looks at the output file.
const pollEvery = 20 * time.Millisecond

// result is one measured run.
type result struct {
	orders  int
	wall    time.Duration
	cpu     time.Duration
	peakRSS int64
}

func (r result) ordersPerSecond() float64 { return float64(r.orders) / r.wall.Seconds() }

// cpuPer100k is the CPU-seconds the run spent per 100,000 orders.
func (r result) cpuPer100k() float64 { return r.cpu.Seconds() * 1e5 / float64(r.orders) }

// engineSpec is one engine process on a bench project.
type engineSpec struct {
	bin     string
	project string
	input   string // absolute
	orders  int
	data    string // data directory; out.jsonl is written there
	log     string // the engine's standard error
	env     []string
	args    []string // flags of run
}

// output is the file the bench pipeline writes.
func (s engineSpec) output() string { return filepath.Join(s.data, "out.jsonl") }

// engineProc is a started engine.
type engineProc struct {
	spec  engineSpec
	cmd   *exec.Cmd
	start time.Time
	done  chan struct{}
	err   error // the process's exit, once done is closed
}

// startEngine starts `pipewright run` on the spec's project and data
// directory (kept: a restart after a kill goes on from its state).
func startEngine(s engineSpec) (*engineProc, error) {
	if err := os.MkdirAll(s.data, 0o755); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	args := append(append([]string{"run", "-log-level", "warn"}, s.args...), s.project)
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(),
		"PIPEWRIGHT_DATA="+s.data,
		"PIPEWRIGHT_LISTEN=127.0.0.1:0",
		"BENCH_INPUT="+s.input,
	)
	cmd.Env = append(cmd.Env, s.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	p := &engineProc{spec: s, cmd: cmd, done: make(chan struct{})}
	p.start = time.Now()
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("starting %s: %w", s.bin, err)
	}
	go func() {
		p.err = cmd.Wait()
		_ = logf.Close()
		close(p.done)
	}()
	return p, nil
}

// waitLines waits until the output holds at least n lines and returns the
// engine's usage at that moment; an error when the engine exits first.
func (p *engineProc) waitLines(n int, timeout time.Duration) (usage, time.Duration, error) {
	fl := newFollower(p.spec.output())
	defer fl.close()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		lines, err := fl.count()
		if err != nil {
			return usage{}, 0, err
		}
		if lines >= n {
			wall := time.Since(p.start)
			u, err := procUsage(p.cmd.Process.Pid)
			return u, wall, err
		}
		select {
		case <-p.done:
			return usage{}, 0, fmt.Errorf("the engine exited (%v) after %d of %d orders; see %s", p.err, lines, n, p.spec.log)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return usage{}, 0, fmt.Errorf("%d of %d orders after %s; see %s", lines, n, timeout, p.spec.log)
		}
	}
}

// stop ends the engine with SIGTERM (its graceful shutdown), or SIGKILL
// when it has not exited after a minute.
func (p *engineProc) stop() error {
	return p.signal(syscall.SIGTERM, time.Minute)
}

// kill ends the engine with SIGKILL: no shutdown at all.
func (p *engineProc) kill() error { return p.signal(syscall.SIGKILL, time.Minute) }

func (p *engineProc) signal(sig syscall.Signal, wait time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(wait):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("the engine did not stop within %s of %s; killed", wait, sig)
	}
}

// runEngine measures one engine run from a fresh data directory: from
// process start until the last order is in the output file. extra, when
// set, is another process (an external NATS cluster) whose CPU time over
// the run is added.
func runEngine(s engineSpec, extra int) (result, error) {
	if err := os.RemoveAll(s.data); err != nil {
		return result{}, err
	}
	_ = os.Remove(s.log)
	var before usage
	if extra > 0 {
		var err error
		if before, err = procUsage(extra); err != nil {
			return result{}, err
		}
	}
	p, err := startEngine(s)
	if err != nil {
		return result{}, err
	}
	u, wall, err := p.waitLines(s.orders, runTimeout(s.orders))
	if err != nil {
		_ = p.kill()
		return result{}, err
	}
	if extra > 0 {
		after, err := procUsage(extra)
		if err != nil {
			_ = p.kill()
			return result{}, err
		}
		u.cpu += after.cpu - before.cpu
	}
	if err := p.stop(); err != nil {
		return result{}, err
	}
	return result{orders: s.orders, wall: wall, cpu: u.cpu, peakRSS: u.peakRSS}, nil
}

// runTimeout is how long a run of n orders may take before the harness
// gives up: far above any machine's figure (100 orders/s).
func runTimeout(n int) time.Duration { return time.Minute + time.Duration(n/100)*time.Second }
