package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// kills is how many times a crash run kills the engine.
const kills = 2

// The packs a killed engine had in flight bound what the keyless crash
// run may write again.
const (
	// workers is `pipewright run -workers` in the keyless crash run (the
	// default): the stream messages (packs) a pipeline processes at a
	// time (transport.max_ack_pending, 512 by default, is above it).
	workers = 32
	// packRecords is transport.pack.records in bench/crash-keyless.
	packRecords = 128
)

// crashRun runs n orders through an engine that is killed with SIGKILL
// after a third and after two thirds of the orders were written, and
// started again on the same data directory each time; the output must
// then hold the floor's documents, each once. The file sink writes each
// order's key once, as a sink must to repeat nothing after a crash: orders
// written but not yet acknowledged when the engine died are delivered
// again. It runs the crash project (bench/crash): the bench workload with
// that sink.
func (o options) crashRun(n int) error {
	input, ref, err := o.input(n)
	if err != nil {
		return err
	}
	fmt.Printf("== kill -9: %s orders, the engine killed %d times during the run\n", thousands(float64(n)), kills)
	s := o.crashSpec(o.crashProject, input, n, "crash")
	p, err := killAndRestart(s, n)
	if err != nil {
		return fmt.Errorf("kill -9 run: %w", err)
	}
	if _, _, err := p.waitLines(n, runTimeout(n)); err != nil {
		_ = p.kill()
		return fmt.Errorf("kill -9 run: %w", err)
	}
	if err := p.stop(); err != nil {
		return err
	}
	if err := o.sameDocuments(ref, s.output()); err != nil {
		fmt.Println("  OUTPUT DIFFERS:", err)
		return fmt.Errorf("kill -9 run: %w", err)
	}
	_ = os.RemoveAll(s.data)
	fmt.Println("  output: the floor's documents, each once: nothing lost, nothing repeated")
	return nil
}

// crashKeylessRun is the kill -9 run with a file sink without a key
// (bench/crash-keyless), which drops repeats by message id: each pack's
// done set, written before the pack is acknowledged. A kill writes again
// what the sink had written of the packs in flight (at most workers packs
// of packRecords records), so the output must hold the floor's documents,
// each at least once, and at most kills*workers*packRecords lines more.
// The engine serves its metrics on a known address, so that the run ends
// once every order is written and the stream holds nothing more: repeats
// written later would go uncounted.
func (o options) crashKeylessRun(n int) error {
	input, ref, err := o.input(n)
	if err != nil {
		return err
	}
	bound := kills * workers * packRecords
	fmt.Printf("== kill -9, keyless sink: %s orders, the engine killed %d times during the run; at most %s written again\n",
		thousands(float64(n)), kills, thousands(float64(bound)))
	s := o.crashSpec(o.crashKeylessProject, input, n, "crash-keyless")
	addr, err := freePort()
	if err != nil {
		return err
	}
	s.env = append(s.env, "PIPEWRIGHT_LISTEN="+addr)
	s.args = []string{"-workers", strconv.Itoa(workers)}
	p, err := killAndRestart(s, n)
	if err != nil {
		return fmt.Errorf("keyless kill -9 run: %w", err)
	}
	if err := p.waitSettled(addr, n, runTimeout(n)); err != nil {
		_ = p.kill()
		return fmt.Errorf("keyless kill -9 run: %w", err)
	}
	if err := p.stop(); err != nil {
		return err
	}
	verdict, err := o.compare(ref, s.output(), bound)
	if err != nil {
		fmt.Println("  OUTPUT DIFFERS:", err)
		return fmt.Errorf("keyless kill -9 run: %w", err)
	}
	_ = os.RemoveAll(s.data)
	fmt.Println("  output: the floor's documents, each at least once:", verdict)
	return nil
}

// crashSpec is the engine of a crash run of project, on a fresh data
// directory named after the run.
func (o options) crashSpec(project, input string, n int, name string) engineSpec {
	s := engineSpec{bin: o.engine, project: project, input: input, orders: n,
		data: filepath.Join(o.out, "run-"+name),
		log:  filepath.Join(o.out, fmt.Sprintf("%s-%d.log", name, n))}
	_ = os.RemoveAll(s.data)
	_ = os.Remove(s.log)
	return s
}

// killAndRestart starts the engine of s on its data directory, kills it
// with SIGKILL kills times, each once the output holds another
// (kills+1)th of n lines, starting it again each time, and returns the
// last engine started.
func killAndRestart(s engineSpec, n int) (*engineProc, error) {
	for k := 1; k <= kills; k++ {
		p, err := startEngine(s)
		if err != nil {
			return nil, err
		}
		at := n * k / (kills + 1)
		if _, _, err := p.waitLines(at, runTimeout(n)); err != nil {
			_ = p.kill()
			return nil, err
		}
		if err := p.kill(); err != nil {
			return nil, err
		}
		fmt.Printf("killed (SIGKILL) with %s or more lines written; starting again\n", thousands(float64(at)))
	}
	return startEngine(s)
}

// waitSettled waits until the output holds n different orders and the
// engine serving its metrics on addr has no stream message of the bench
// pipeline left to process; an error when the engine exits first.
func (p *engineProc) waitSettled(addr string, n int, timeout time.Duration) error {
	fl := newOrderFollower(p.spec.output())
	defer fl.close()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * pollEvery)
	defer tick.Stop()
	for {
		orders, err := fl.count()
		if err != nil {
			return err
		}
		if orders >= n {
			if backlog, err := streamBacklog(addr); err == nil && backlog == 0 {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("the engine exited (%v) with %d of %d orders written; see %s", p.err, orders, n, p.spec.log)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d orders, or messages left in the stream, after %s; see %s", orders, n, timeout, p.spec.log)
		}
	}
}
